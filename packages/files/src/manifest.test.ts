import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { decodeManifest, encodeManifest, createManifest, checkFileName } from "./manifest.js";
import { manifestFromBytes, hashPieces } from "./hash-pieces.js";
import { choosePieceSize, MIN_PIECE_SIZE, MAX_PIECE_SIZE } from "./piece-size.js";
import { FilesError } from "./errors.js";

const data = new Uint8Array(randomBytes(200_000));

describe("choosePieceSize", () => {
  it("stays within 64 KiB–4 MiB and grows with the file", () => {
    assert.equal(choosePieceSize(0), MIN_PIECE_SIZE);
    assert.equal(choosePieceSize(1_000_000), MIN_PIECE_SIZE);
    assert.equal(choosePieceSize(200 * 2 ** 20), 128 * 1024);
    assert.equal(choosePieceSize(4 * 2 ** 30), 2 * 2 ** 20);
    assert.equal(choosePieceSize(2 ** 50), MAX_PIECE_SIZE);
  });
});

describe("manifest", () => {
  it("hashes every piece with SHA-256 (the last piece short)", async () => {
    const m = await manifestFromBytes("a.bin", data);
    assert.equal(m.pieceSize, MIN_PIECE_SIZE);
    assert.equal(m.pieceHashes.length, 4);
    const last = createHash("sha256")
      .update(data.subarray(3 * MIN_PIECE_SIZE))
      .digest();
    assert.deepEqual(m.pieceHashes[3], new Uint8Array(last));
    assert.equal(m.mediaType, "application/octet-stream");
  });

  it("re-chunks a stream of odd-sized chunks to the same hashes", async () => {
    const parts: Uint8Array[] = [];
    for (let at = 0; at < data.length; at += 7777) parts.push(data.subarray(at, at + 7777));
    const chunks = (): AsyncIterable<Uint8Array> =>
      (async function* () {
        await Promise.resolve();
        yield* parts;
      })();
    const whole = await manifestFromBytes("a.bin", data);
    assert.deepEqual(await hashPieces(chunks(), MIN_PIECE_SIZE), whole.pieceHashes);
  });

  it("round-trips through the canonical encoding and is verified against its root", async () => {
    const m = await manifestFromBytes("photo é.jpg", data, "image/jpeg");
    const decoded = await decodeManifest(encodeManifest(m), m.root);
    assert.equal(decoded.name, "photo é.jpg");
    assert.equal(decoded.mediaType, "image/jpeg");
    assert.equal(decoded.size, data.length);
    assert.deepEqual(decoded.root, m.root);
  });

  it("the root covers name, size, type and every piece hash", async () => {
    const m = await manifestFromBytes("a.bin", data);
    const variants = [
      { ...m, name: "b.bin" },
      { ...m, mediaType: "text/plain" },
      { ...m, pieceHashes: [m.pieceHashes[1], m.pieceHashes[0], ...m.pieceHashes.slice(2)] },
    ];
    for (const v of variants) {
      const other = await createManifest(v);
      assert.notDeepEqual(other.root, m.root);
      await assert.rejects(decodeManifest(encodeManifest(v), m.root), { code: "manifest_mismatch" });
    }
  });

  it("rejects truncated, padded, or garbled encodings with manifest_invalid", async () => {
    const m = await manifestFromBytes("a.bin", data);
    const enc = encodeManifest(m);
    const bad = [
      enc.subarray(0, enc.length - 1),
      new Uint8Array([...enc, 0]),
      enc.subarray(0, 10),
      new Uint8Array([0x58, ...enc.subarray(1)]),
    ];
    for (const b of bad) {
      await assert.rejects(
        decodeManifest(b, m.root),
        (e: unknown) => e instanceof FilesError && e.code === "manifest_invalid",
      );
    }
  });

  it("refuses names that are not a single safe path component", () => {
    for (const name of ["", ".", "..", "a/b", "..\\x", "a\u0000b", "x".repeat(256)]) {
      assert.throws(() => checkFileName(name), { code: "manifest_invalid" }, name);
    }
    checkFileName("report (final).pdf");
  });

  it("accepts an empty file (no pieces)", async () => {
    const m = await manifestFromBytes("empty", new Uint8Array(0));
    assert.equal(m.pieceHashes.length, 0);
    assert.deepEqual((await decodeManifest(encodeManifest(m), m.root)).root, m.root);
  });
});
