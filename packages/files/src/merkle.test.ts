import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { merkleRoot } from "./merkle.js";

const h = (...parts: Uint8Array[]): Uint8Array =>
  new Uint8Array(createHash("sha256").update(Buffer.concat(parts)).digest());
const leaf = (n: number): Uint8Array => h(Uint8Array.of(n));

describe("merkleRoot", () => {
  it("is the leaf itself for one leaf", async () => {
    assert.deepEqual(await merkleRoot([leaf(1)]), leaf(1));
  });
  it("hashes pairs with a 0x01 prefix and carries an odd node up", async () => {
    const ab = h(Uint8Array.of(1), leaf(1), leaf(2));
    assert.deepEqual(await merkleRoot([leaf(1), leaf(2)]), ab);
    const abc = h(Uint8Array.of(1), ab, leaf(3));
    assert.deepEqual(await merkleRoot([leaf(1), leaf(2), leaf(3)]), abc);
  });
  it("changes when any leaf or the order changes", async () => {
    const base = await merkleRoot([leaf(1), leaf(2), leaf(3), leaf(4), leaf(5)]);
    assert.notDeepEqual(await merkleRoot([leaf(1), leaf(2), leaf(3), leaf(5), leaf(4)]), base);
    assert.notDeepEqual(await merkleRoot([leaf(1), leaf(2), leaf(3), leaf(4)]), base);
    assert.notDeepEqual(await merkleRoot([leaf(1), leaf(2), leaf(3), leaf(4), leaf(5), leaf(5)]), base);
  });
  it("rejects an empty list", async () => {
    await assert.rejects(merkleRoot([]), RangeError);
  });
});
