import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile, access, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { manifestFromBytes } from "../hash-pieces.js";
import { NodeFileStore, NodeFileSource } from "./node-file-store.js";
import { manifestFromFile } from "./manifest-from-file.js";

let dir = "";
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), "files-store-"))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const data = new Uint8Array(randomBytes(5 * 65536 + 1000));
const piece = (m: { pieceSize: number }, i: number): Uint8Array =>
  data.subarray(i * m.pieceSize, (i + 1) * m.pieceSize);

describe("NodeFileStore", () => {
  it("writes pieces in place into a sparse .part, keeps a bitfield beside it, and resumes from it", async () => {
    const m = await manifestFromBytes("a.bin", data);
    const s1 = await NodeFileStore.open(dir, m);
    assert.equal((await stat(join(dir, "a.bin.part"))).size, data.length, ".part has the final size at once");
    await s1.writePiece(1, piece(m, 1));
    await s1.writePiece(5, piece(m, 5));
    await s1.close();
    const s2 = await NodeFileStore.open(dir, m);
    assert.deepEqual([...s2.verified.indexes()], [1, 5]);
    assert.deepEqual(
      await s2.read(m.pieceSize + 10, 100),
      data.subarray(m.pieceSize + 10, m.pieceSize + 110),
    );
    for (const i of [0, 2, 3, 4]) await s2.writePiece(i, piece(m, i));
    assert.equal(s2.verified.complete, true);
    await s2.finish();
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "a.bin"))), data);
    await assert.rejects(access(join(dir, "a.bin.part")));
    await assert.rejects(access(join(dir, "a.bin.part.bits")));
    assert.deepEqual(await s2.read(0, 10), data.subarray(0, 10), "still serves after the rename");
    await s2.close();
  });

  it("re-hashes the pieces its bitfield claims on resume and drops a tampered one", async () => {
    const m = await manifestFromBytes("t.bin", data);
    const s1 = await NodeFileStore.open(dir, m);
    for (const i of [0, 2, 3]) await s1.writePiece(i, piece(m, i));
    await s1.close();
    const fh = await open(join(dir, "t.bin.part"), "r+");
    await fh.write(new Uint8Array([data[2 * m.pieceSize + 77] ^ 0xff]), 0, 1, 2 * m.pieceSize + 77);
    await fh.close();
    const s2 = await NodeFileStore.open(dir, m);
    assert.deepEqual([...s2.verified.indexes()], [0, 3]);
    assert.deepEqual(s2.discarded, [2]);
    await s2.close();
    const s3 = await NodeFileStore.open(dir, m);
    assert.deepEqual([...s3.verified.indexes()], [0, 3], "the cleared bit was saved");
    assert.deepEqual(s3.discarded, []);
    await s3.close();
  });

  it("starts over when the bitfield belongs to another file", async () => {
    const m = await manifestFromBytes("b.bin", data);
    const other = await manifestFromBytes("b.bin", data.subarray(1));
    const s1 = await NodeFileStore.open(dir, m);
    await s1.writePiece(0, piece(m, 0));
    await s1.close();
    const s2 = await NodeFileStore.open(dir, other);
    assert.equal(s2.verified.count, 0);
    await s2.close();
  });

  it("flushes written pieces to disk in the background every flushEveryBytes, and still finishes byte-equal", async () => {
    const m = await manifestFromBytes("f.bin", data);
    const s = await NodeFileStore.open(dir, m, { flushEveryBytes: m.pieceSize });
    // Every piece crosses the threshold; a flush starts whenever none is in flight, so at least the first one.
    for (const i of [3, 0, 5]) await s.writePiece(i, piece(m, i));
    assert.ok(s.backgroundFlushes >= 1, `background flushes: ${s.backgroundFlushes}`);
    for (const i of [1, 2, 4]) await s.writePiece(i, piece(m, i));
    await s.finish();
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "f.bin"))), data);
    await s.close();

    const quiet = await NodeFileStore.open(dir, { ...m, name: "g.bin" }, { flushEveryBytes: 0 });
    for (let i = 0; i < m.pieceHashes.length; i++) await quiet.writePiece(i, piece(m, i));
    assert.equal(quiet.backgroundFlushes, 0, "0 turns background flushing off");
    await quiet.finish();
    await quiet.close();
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "g.bin"))), data);

    const big = await NodeFileStore.open(dir, { ...m, name: "h.bin" });
    for (let i = 0; i < m.pieceHashes.length; i++) await big.writePiece(i, piece(m, i));
    assert.equal(big.backgroundFlushes, 0, "the default threshold (32 MiB) is not reached by a small file");
    await big.close();

    await assert.rejects(NodeFileStore.open(dir, m, { flushEveryBytes: -1 }), RangeError);
    await assert.rejects(NodeFileStore.open(dir, m, { flushEveryBytes: 1.5 }), RangeError);
  });

  it("a download closed while a background flush runs keeps its pieces for a resume", async () => {
    const m = await manifestFromBytes("k.bin", data);
    const s1 = await NodeFileStore.open(dir, m, { flushEveryBytes: 1 });
    await s1.writePiece(2, piece(m, 2));
    await s1.writePiece(4, piece(m, 4));
    assert.ok(s1.backgroundFlushes >= 1);
    await s1.close();
    const s2 = await NodeFileStore.open(dir, m);
    assert.deepEqual([...s2.verified.indexes()], [2, 4]);
    assert.deepEqual(s2.discarded, []);
    await s2.close();
  });

  it("refuses a manifest name that is not a plain file name", async () => {
    const m = await manifestFromBytes("c.bin", data);
    await assert.rejects(NodeFileStore.open(dir, { ...m, name: "../escape" }), { code: "manifest_invalid" });
  });
});

describe("NodeFileSource + manifestFromFile", () => {
  it("hashes a file by streaming it and serves its bytes", async () => {
    const path = join(dir, "src.bin");
    await writeFile(path, data);
    const m = await manifestFromFile(path, { mediaType: "application/x-test" });
    assert.deepEqual(m.root, (await manifestFromBytes("src.bin", data, "application/x-test")).root);
    const src = await NodeFileSource.open(path, m);
    assert.equal(src.verified.complete, true);
    assert.deepEqual(await src.read(70_000, 16384), data.subarray(70_000, 70_000 + 16384));
    await src.close();
  });
});
