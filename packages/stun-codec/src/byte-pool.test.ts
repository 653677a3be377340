import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { allocate } from "./byte-pool.js";

describe("allocate", () => {
  it("returns plain Uint8Arrays of the size asked, never overlapping", () => {
    const views = Array.from({ length: 1000 }, (_, i) => allocate(1 + (i % 97)));
    views.forEach((v, i) => {
      assert.equal(Object.getPrototypeOf(v), Uint8Array.prototype);
      assert.equal(v.length, 1 + (i % 97));
      v.fill(i & 0xff);
    });
    views.forEach((v, i) => assert.ok(v.every((b) => b === (i & 0xff))));
  });
  it("gives large sizes their own buffer, and slice() copies", () => {
    const big = allocate(70_000);
    assert.equal(big.byteOffset, 0);
    assert.equal(big.buffer.byteLength, 70_000);
    const small = allocate(8).fill(1);
    const copy = small.slice();
    copy[0] = 2;
    assert.equal(small[0], 1);
  });
});
