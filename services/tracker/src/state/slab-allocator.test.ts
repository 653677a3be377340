import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { byteIndex, SLAB_BYTES, SLAB_SHIFT, SlabAllocator, u16Index, u32Index } from "./slab-allocator.js";

/** [slab, first byte, end byte) of a block. */
const span = (h: number, bytes: number): [number, number, number] => [
  h >>> SLAB_SHIFT,
  byteIndex(h),
  byteIndex(h) + bytes,
];

describe("SlabAllocator", () => {
  it("hands out 8-byte aligned blocks inside one slab that never overlap", () => {
    const a = new SlabAllocator();
    const sizes = [40, 144, 576, 2304, 3840, 128, 256, 64, 960];
    const blocks: Array<{ h: number; bytes: number }> = [];
    // Enough to span several slabs, so blocks near a slab's end are covered too.
    for (let i = 0; blocks.reduce((n, b) => n + b.bytes, 0) < 3 * SLAB_BYTES; i++) {
      const bytes = sizes[i % sizes.length] ?? 8;
      blocks.push({ h: a.alloc(bytes), bytes });
    }
    assert.ok(a.u8.length >= 3);
    const bySlab = new Map<number, Array<[number, number]>>();
    for (const { h, bytes } of blocks) {
      const [slab, from, to] = span(h, bytes);
      assert.equal(from % 8, 0);
      assert.ok(to <= SLAB_BYTES, "inside its slab");
      assert.ok(Number.isSafeInteger(h) && h >= 0 && h < 2 ** 31, "a small integer");
      bySlab.set(slab, [...(bySlab.get(slab) ?? []), [from, to]]);
    }
    for (const ranges of bySlab.values()) {
      ranges.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < ranges.length; i++)
        assert.ok((ranges[i]?.[0] ?? 0) >= (ranges[i - 1]?.[1] ?? 0), "no overlap");
    }
    // Writing a distinct byte into each block and reading every one back also shows no two share memory.
    blocks.forEach(({ h, bytes }, i) =>
      a.u8[h >>> SLAB_SHIFT]?.fill(i & 0xff, byteIndex(h), byteIndex(h) + bytes),
    );
    blocks.forEach(({ h, bytes }, i) => {
      const view = a.u8[h >>> SLAB_SHIFT]?.subarray(byteIndex(h), byteIndex(h) + bytes) ?? new Uint8Array();
      assert.ok(view.every((b) => b === (i & 0xff)));
    });
    assert.equal(
      a.bytesInUse,
      blocks.reduce((n, b) => n + b.bytes, 0),
    );
  });

  it("reuses a freed block for the next block of its size, and carves no new memory for it", () => {
    const a = new SlabAllocator();
    const x = a.alloc(2304);
    const y = a.alloc(2304);
    const carved = a.bytesCarved;
    a.free(x, 2304);
    assert.equal(a.bytesFree, 2304);
    assert.equal(a.bytesInUse, 2304);
    // Another size does not take it.
    const z = a.alloc(128);
    assert.notEqual(z, x);
    assert.equal(a.alloc(2304), x);
    assert.equal(a.bytesFree, 0);
    assert.equal(a.bytesCarved, carved + 128);
    assert.notEqual(x, y);
  });

  it("keeps memory flat over many alloc/free cycles of one working set", () => {
    const a = new SlabAllocator();
    const live: number[] = [];
    for (let i = 0; i < 200; i++) live.push(a.alloc(2304));
    const carved = a.bytesCarved;
    for (let cycle = 0; cycle < 50; cycle++) {
      for (let i = 0; i < 100; i++) a.free(live.pop() ?? 0, 2304);
      for (let i = 0; i < 100; i++) live.push(a.alloc(2304));
    }
    assert.equal(a.bytesCarved, carved);
    assert.equal(new Set(live).size, 200, "every live block distinct");
  });

  it("gives 16- and 32-bit views of the same bytes", () => {
    const a = new SlabAllocator();
    a.alloc(8);
    const h = a.alloc(16);
    a.u32[h >>> SLAB_SHIFT]?.set([0x11223344], u32Index(h) + 1);
    assert.equal(a.u8[h >>> SLAB_SHIFT]?.[byteIndex(h) + 4], 0x44);
    assert.equal(a.u16[h >>> SLAB_SHIFT]?.[u16Index(h) + 3], 0x1122);
  });

  it("refuses sizes it cannot hand out, and forgets everything on reset", () => {
    const a = new SlabAllocator();
    for (const bad of [0, -8, 12, SLAB_BYTES + 8]) assert.throws(() => a.alloc(bad), RangeError);
    assert.equal(a.alloc(SLAB_BYTES) >>> SLAB_SHIFT, 0);
    assert.equal(a.alloc(8) >>> SLAB_SHIFT, 1, "a full slab: the next block opens another");
    a.reset();
    assert.equal(a.u8.length, 0);
    assert.equal(a.bytesInUse + a.bytesFree + a.bytesCarved, 0);
  });
});
