import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { IntoViews } from "./into-views.js";

describe("IntoViews", () => {
  it("hands out one view per length of one buffer and offset, each over the right bytes", () => {
    const views = new IntoViews();
    const into = Uint8Array.from({ length: 64 }, (_, i) => i);
    const a = views.get(into, 20, 26);
    assert.deepEqual([...a], [20, 21, 22, 23, 24, 25]);
    assert.equal(views.get(into, 20, 26), a, "the same length: the same view");
    const b = views.get(into, 20, 32);
    assert.notEqual(b, a);
    assert.deepEqual([...b], [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
    into[20] = 99;
    assert.equal(a[0], 99, "a view, not a copy");
    assert.equal(views.get(into, 20, 20).length, 0);
  });

  it("starts over for another buffer or offset, and gives long lengths views of their own", () => {
    const views = new IntoViews();
    const one = new Uint8Array(64).fill(1);
    const two = new Uint8Array(64).fill(2);
    const a = views.get(one, 20, 26);
    const b = views.get(two, 20, 26);
    assert.notEqual(b, a);
    assert.deepEqual([...b], [2, 2, 2, 2, 2, 2]);
    const c = views.get(two, 8, 14);
    assert.equal(c.byteOffset, 8);
    assert.notEqual(views.get(one, 20, 26), a, "the cache started over");
    const big = new Uint8Array(5000);
    const long = views.get(big, 20, 4020);
    assert.equal(long.length, 4000);
    assert.notEqual(views.get(big, 20, 4020), long);
  });
});
