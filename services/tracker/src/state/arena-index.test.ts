import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ArenaIndex } from "./arena-index.js";
import { SlabAllocator } from "./slab-allocator.js";

/** Rows as a plain array: slot → reference. */
const rowsOf = (refs: number[]) => ({ ref: (slot: number) => refs[slot] ?? 0 });

/** The slot the index finds for `ref` (-1 when none). */
const lookup = (index: ArenaIndex, refs: number[], ref: number): number => index.find(ref, rowsOf(refs));

describe("ArenaIndex", () => {
  it("finds every slot after inserts and backward-shift deletes, chunks given back on release", () => {
    const alloc = new SlabAllocator();
    const index = new ArenaIndex(12345, alloc);
    const refs = Array.from({ length: 300 }, (_, i) => 1000 + i * 7);
    index.rebuild(refs.length, 0, rowsOf(refs));
    assert.equal(index.size % 64, 0);
    assert.ok(refs.length <= index.size * 0.85);
    refs.forEach((ref, slot) => index.insert(slot, ref));
    for (let slot = 0; slot < refs.length; slot++) assert.equal(lookup(index, refs, refs[slot] ?? 0), slot);
    // Delete every third record: the rest must stay reachable from their homes (probe runs closed up).
    const live = new Set(refs.keys());
    for (let slot = 0; slot < refs.length; slot += 3) {
      index.delete(slot, refs[slot] ?? 0, rowsOf(refs));
      live.delete(slot);
    }
    for (let slot = 0; slot < refs.length; slot++)
      assert.equal(lookup(index, refs, refs[slot] ?? 0), live.has(slot) ? slot : -1);
    assert.ok(index.bytes > 0);
    const freeBefore = alloc.bytesFree;
    index.release();
    assert.equal(index.size, 0);
    assert.equal(index.bytes, 0);
    assert.ok(alloc.bytesFree > freeBefore);
  });

  it("switches to 32-bit entries past 4,095 slots and refills from the rows", () => {
    const index = new ArenaIndex(7, new SlabAllocator());
    const refs = Array.from({ length: 5000 }, (_, i) => i + 1);
    index.rebuild(refs.length, refs.length, rowsOf(refs));
    assert.equal(index.slotBits, 24);
    assert.equal(index.bytes, (index.size / 64) * 256);
    for (const slot of [0, 4094, 4095, 4999]) assert.equal(lookup(index, refs, refs[slot] ?? 0), slot);
  });
});
