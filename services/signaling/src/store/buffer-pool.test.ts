import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { BufferPool } from "./buffer-pool.js";
import { BusBatchWriter } from "./bus-batch-writer.js";
import { decodeBusBatch } from "./bus-codec.js";

describe("BufferPool", () => {
  it("hands a given-back buffer out again, and only one large enough", () => {
    const pool = new BufferPool(4, 1 << 20, 1024);
    const a = pool.take(2000);
    assert.ok(a.length >= 2000);
    pool.give(a);
    assert.equal(pool.size, 1);
    const big = pool.take(a.length + 1);
    assert.notEqual(big.buffer, a.buffer);
    assert.equal(pool.size, 1);
    assert.equal(pool.take(100), a);
    assert.equal(pool.size, 0);
  });

  it("keeps at most `keep` buffers (the largest) and none outside its size bounds", () => {
    const pool = new BufferPool(2, 8192, 1024);
    pool.give(Buffer.allocUnsafeSlow(512)); // below minBytes
    pool.give(Buffer.allocUnsafeSlow(16384)); // above maxBytes
    assert.equal(pool.size, 0);
    const small = Buffer.allocUnsafeSlow(1024);
    const mid = Buffer.allocUnsafeSlow(2048);
    const large = Buffer.allocUnsafeSlow(4096);
    pool.give(small);
    pool.give(mid);
    pool.give(large);
    assert.equal(pool.size, 2);
    assert.equal(pool.take(3000), large);
    assert.equal(pool.take(1500), mid);
    assert.equal(pool.size, 0);
  });

  it("serves a batch writer: an outgrown buffer goes back, batches built in reused buffers decode", () => {
    const pool = new BufferPool(4, 1 << 20, 1024);
    const frame = "x".repeat(700);
    const used: Buffer[] = [];
    for (let round = 0; round < 3; round++) {
      const w = new BusBatchWriter(64, 32, pool);
      for (let i = 0; i < 5; i++) w.append({ kind: "peer", to: `p${i}`, roomId: "r", type: "signal", frame });
      const got = decodeBusBatch(w.bytes());
      assert.equal(got.length, 5);
      assert.deepEqual(
        got.map((m) => (m.kind === "peer" ? [m.to, Buffer.from(m.frame as Uint8Array).toString()] : [])),
        Array.from({ length: 5 }, (_, i) => [`p${i}`, frame]),
      );
      used.push(w.buffer);
      pool.give(w.buffer);
    }
    // 5 × ~715 bytes outgrow a 1 KiB buffer into a 2 KiB one and that into a 4 KiB one; the outgrown went back,
    // and the later rounds are built in the first round's 4 KiB buffer with nothing new taken.
    assert.deepEqual(
      used.map((b) => b.length),
      [4096, 4096, 4096],
    );
    assert.equal(used[1], used[0]);
    assert.equal(used[2], used[0]);
    assert.equal(pool.size, 3);
  });
});
