import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { manifestFromBytes } from "../hash-pieces.js";
import { BLOCK_SIZE } from "../piece-size.js";
import { MemoryStore } from "../storage/memory-store.js";
import { decodeFrame } from "../wire/codec.js";
import type { BlockRef } from "../wire/frames.js";
import { PieceServer } from "./piece-server.js";

/** A memory store that logs its synchronous reads. */
class LoggingStore extends MemoryStore {
  readonly reads: [number, number][] = [];
  override readInto(offset: number, dst: Uint8Array): void {
    this.reads.push([offset, dst.length]);
    super.readInto(offset, dst);
  }
}

describe("PieceServer.directFrame", () => {
  it("reads file-contiguous blocks with one call, others apart; every block's bytes land in its place", async () => {
    const data = new Uint8Array(randomBytes(3 * 65536 + 1000));
    const m = await manifestFromBytes("f.bin", data);
    assert.equal(m.pieceSize, 65536);
    const store = new LoggingStore(m, data);
    const server = new PieceServer(m.root);
    server.use(m, store);
    const ref = (piece: number, offset: number, length = BLOCK_SIZE): BlockRef => ({
      root: m.root,
      piece,
      offset,
      length,
    });
    const cases: { reqs: BlockRef[]; reads: [number, number][] }[] = [
      // the next blocks of one piece, then across a piece boundary: one read each
      { reqs: [ref(0, 0), ref(0, BLOCK_SIZE), ref(0, 2 * BLOCK_SIZE)], reads: [[0, 3 * BLOCK_SIZE]] },
      { reqs: [ref(0, 3 * BLOCK_SIZE), ref(1, 0)], reads: [[3 * BLOCK_SIZE, 2 * BLOCK_SIZE]] },
      // a gap, and out of order: separate reads
      {
        reqs: [ref(1, 0), ref(1, 2 * BLOCK_SIZE), ref(2, 0)],
        reads: [
          [65536, BLOCK_SIZE],
          [65536 + 2 * BLOCK_SIZE, BLOCK_SIZE],
          [2 * 65536, BLOCK_SIZE],
        ],
      },
      {
        reqs: [ref(2, BLOCK_SIZE), ref(2, 0)],
        reads: [
          [2 * 65536 + BLOCK_SIZE, BLOCK_SIZE],
          [2 * 65536, BLOCK_SIZE],
        ],
      },
      // the short last piece, alone
      { reqs: [ref(3, 0, 1000)], reads: [[3 * 65536, 1000]] },
    ];
    const pool = new Uint8Array(64 * 1024);
    for (const c of cases) {
      store.reads.length = 0;
      const frame = server.directFrame(c.reqs, pool)!;
      assert.deepEqual(store.reads, c.reads);
      const f = decodeFrame(frame);
      const blocks = f.type === "block" ? [f] : f.type === "blocks" ? f.blocks : [];
      assert.equal(blocks.length, c.reqs.length);
      for (const [i, b] of blocks.entries()) {
        const pos: number = c.reqs[i].piece * m.pieceSize + c.reqs[i].offset;
        assert.deepEqual(new Uint8Array(b.data), data.subarray(pos, pos + c.reqs[i].length), `block ${i}`);
      }
    }
  });
});
