import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "@jest/globals";
import { InfoHashTable } from "./info-hash-table.js";

describe("InfoHashTable", () => {
  it("agrees with a Map through random adds, replacements and deletes (growing and shrinking)", () => {
    const table = new InfoHashTable<number>(12345);
    const model = new Map<string, number>();
    const pool = Array.from({ length: 3000 }, () => randomBytes(20));
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let step = 0; step < 60_000; step++) {
      // Phases: mostly adds, then mostly deletes, so the table grows and shrinks again.
      const adding = Math.floor(step / 15_000) % 2 === 0 ? next(10) < 8 : next(10) < 2;
      const key = pool[next(pool.length)] ?? Buffer.alloc(20);
      const text = key.toString("hex");
      if (adding) {
        table.set(key, step);
        model.set(text, step);
      } else {
        assert.equal(table.delete(key), model.delete(text));
      }
      if (step % 997 === 0) {
        assert.equal(table.size, model.size);
        for (const k of pool) assert.equal(table.get(k), model.get(k.toString("hex")));
      }
    }
    const seen = new Map<string, number>();
    table.forEach((v, entry) => seen.set(table.keyAt(entry).toString("hex"), v));
    assert.deepEqual(new Map([...seen].sort()), new Map([...model].sort()));
  });

  it("keeps keys that differ only in one word apart, and reads them from views at any offset", () => {
    const table = new InfoHashTable<string>(1);
    const base = Buffer.alloc(40, 0);
    for (let w = 0; w < 5; w++) {
      const k = Buffer.alloc(20, 0);
      k[w * 4 + 3] = 1;
      table.set(k, `word ${w}`);
    }
    table.set(Buffer.alloc(20, 0), "zero");
    assert.equal(table.size, 6);
    base[7 + 19] = 1; // a view at an odd offset holding 0…0 1
    assert.equal(table.get(base.subarray(7, 27)), "word 4");
    assert.equal(table.get(Buffer.alloc(20, 0)), "zero");
    assert.equal(table.get(Buffer.alloc(20, 9)), undefined);
    assert.equal(table.delete(Buffer.alloc(20, 9)), false);
    table.clear();
    assert.equal(table.size, 0);
    assert.equal(table.get(Buffer.alloc(20, 0)), undefined);
  });
});
