import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { BLOCK_SIZE, MAX_PIECE_SIZE } from "../piece-size.js";
import { blockKey, isBlockOffset } from "./swarm-peer.js";

describe("blockKey", () => {
  it("names every block of the largest pieces once", () => {
    const keys = new Set<number>();
    for (let piece = 0; piece < 4; piece++)
      for (let offset = 0; offset < MAX_PIECE_SIZE; offset += BLOCK_SIZE) keys.add(blockKey(piece, offset));
    assert.equal(keys.size, (4 * MAX_PIECE_SIZE) / BLOCK_SIZE);
    assert.notEqual(blockKey(2 ** 32 - 1, 0), blockKey(2 ** 32 - 2, MAX_PIECE_SIZE - BLOCK_SIZE));
  });

  it("is only for offsets on a block boundary inside a piece (others would collide)", () => {
    assert.equal(isBlockOffset(0), true);
    assert.equal(isBlockOffset(MAX_PIECE_SIZE - BLOCK_SIZE), true);
    assert.equal(isBlockOffset(MAX_PIECE_SIZE), false, "piece 0 at 4 MiB would be piece 1's first block");
    assert.equal(isBlockOffset(BLOCK_SIZE + 1), false);
    assert.equal(isBlockOffset(-BLOCK_SIZE), false);
  });
});
