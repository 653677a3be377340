import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { PeerIdTable } from "./peer-id-table.js";

describe("PeerIdTable (interned peer ids)", () => {
  it("gives one reference per distinct id, counts its uses and frees it with the last", () => {
    const table = new PeerIdTable(99);
    const a = randomBytes(20);
    const ref = table.acquire(a);
    assert.ok(ref >= 1);
    assert.equal(table.acquire(Buffer.from(a)), ref);
    assert.equal(table.uses(ref), 2);
    assert.equal(table.lookup(a), ref);
    const out = new Uint8Array(24);
    table.copyId(ref, out, 4);
    assert.deepEqual(Buffer.from(out.subarray(4)), a);
    table.release(ref);
    assert.equal(table.lookup(a), ref);
    table.release(ref);
    assert.equal(table.lookup(a), 0);
    assert.equal(table.size, 0);
  });

  it("keeps thousands of ids findable through adds and removals in any order, reusing references", () => {
    const table = new PeerIdTable(5);
    const ids = Array.from({ length: 5000 }, () => randomBytes(20));
    const refs = ids.map((id) => table.acquire(id));
    assert.equal(new Set(refs).size, 5000);
    for (let i = 0; i < ids.length; i += 3) table.release(refs[i] ?? 0);
    ids.forEach((id, i) => assert.equal(table.lookup(id), i % 3 === 0 ? 0 : refs[i]));
    const again = randomBytes(20);
    const reused = table.acquire(again);
    assert.ok(refs.includes(reused), "a freed reference is reused");
    assert.equal(table.size, 5000 - Math.ceil(5000 / 3) + 1);
  });
});
