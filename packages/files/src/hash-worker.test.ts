import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { sha256 } from "./hash.js";
import { WorkerHasher } from "./hash-worker.js";
import { nodeSha256 } from "./hash-node.js";

describe("WorkerHasher", () => {
  it("gives the same SHA-256 as WebCrypto, for many pieces at once, and leaves the caller's buffer intact", async () => {
    const hasher = new WorkerHasher(2);
    const pieces = Array.from({ length: 40 }, (_, i) => new Uint8Array(randomBytes(1000 + i * 4099)));
    const copies = pieces.map((p) => p.slice());
    const got = await Promise.all(pieces.map((p) => hasher.hash(p)));
    for (let i = 0; i < pieces.length; i++) {
      assert.deepEqual(got[i], await sha256(pieces[i]));
      assert.deepEqual(pieces[i], copies[i]);
    }
    // A view into a larger buffer hashes only its own bytes.
    const big = new Uint8Array(randomBytes(70_000));
    assert.deepEqual(await hasher.hash(big.subarray(100, 65_636)), await sha256(big.subarray(100, 65_636)));
    await hasher.close();
    await assert.rejects(hasher.hash(new Uint8Array(1)), { code: "aborted" });
  });
});

describe("nodeSha256", () => {
  it("gives the same SHA-256 as WebCrypto, for a view into a larger buffer too", async () => {
    const big = new Uint8Array(randomBytes(70_000));
    for (const piece of [big, big.subarray(100, 65_636), new Uint8Array(0)])
      assert.deepEqual(await nodeSha256(piece), await sha256(piece));
  });
});
