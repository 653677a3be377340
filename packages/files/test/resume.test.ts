import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, manifestFromBytes } from "../src/index.js";
import { NodeFileStore } from "../src/node.js";
import { connect, node, randomData, until } from "./helpers.js";

describe("resume from the .part file", () => {
  let dir = "";
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), "files-resume-"))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("a downloader stopped at ~50 % fetches less than 60 % the second time, and the file is byte-equal", async () => {
    const data = randomData(4_000_000);
    const m = await manifestFromBytes("r.bin", data);
    const seed = node("seed");
    seed.share.seed(m, new MemoryStore(m, data));

    const first = node("d");
    connect(first, seed, { bytesPerSecond: 8e6 });
    const s1 = first.share.download(m.root, (man) => NodeFileStore.open(dir, man));
    s1.events.on("error", () => undefined); // the stop below aborts it
    await until(
      () => s1.progress.get().piecesVerified >= m.pieceHashes.length / 2,
      20_000,
      "half the pieces",
    );
    await first.share.close();

    const second = node("d");
    connect(second, seed);
    const s2 = second.share.download(m.root, (man) => NodeFileStore.open(dir, man));
    const done = await s2.whenComplete();
    assert.ok(
      done.bytesReceived < 0.6 * data.length,
      `second run fetched ${done.bytesReceived} of ${data.length}`,
    );
    assert.ok(done.bytesReceived > 0);
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "r.bin"))), data);
    await second.share.close();
    await seed.share.close();
  });

  it("a tampered .part is caught on resume: the bad pieces are fetched again and the file is byte-equal", async () => {
    const data = randomData(3_000_000);
    const m = await manifestFromBytes("t.bin", data);
    const seed = node("seed");
    seed.share.seed(m, new MemoryStore(m, data));

    const first = node("d");
    connect(first, seed, { bytesPerSecond: 8e6 });
    const s1 = first.share.download(m.root, (man) => NodeFileStore.open(dir, man));
    s1.events.on("error", () => undefined);
    await until(
      () => s1.progress.get().piecesVerified >= m.pieceHashes.length / 2,
      20_000,
      "half the pieces",
    );
    const held = [...(s1.store?.verified.indexes() ?? [])];
    await first.share.close();
    // Flip one byte in two pieces the bitfield says are good.
    const tampered = [held[0], held[held.length - 1]];
    const fh = await open(join(dir, "t.bin.part"), "r+");
    for (const p of tampered) {
      const at = p * m.pieceSize + 123;
      await fh.write(new Uint8Array([data[at] ^ 0x55]), 0, 1, at);
    }
    await fh.close();

    const second = node("d");
    connect(second, seed);
    const verifiedAgain: number[] = [];
    const s2 = second.share.download(m.root, (man) => NodeFileStore.open(dir, man));
    s2.events.on("piece-verified", ({ piece }) => verifiedAgain.push(piece));
    const done = await s2.whenComplete();
    const store = s2.store as NodeFileStore;
    assert.deepEqual([...store.discarded].sort(), [...tampered].sort());
    for (const p of tampered) assert.ok(verifiedAgain.includes(p), `piece ${p} fetched again`);
    assert.ok(done.bytesReceived < 0.6 * data.length + 2 * m.pieceSize);
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "t.bin"))), data);
    await second.share.close();
    await seed.share.close();
  });
});
