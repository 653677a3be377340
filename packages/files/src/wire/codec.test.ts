import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { decodeFrame, encodeBlocksFrame, encodeFrame } from "./codec.js";
import { WireError } from "../errors.js";
import { MAX_FRAME_BYTES, REJECT_REASON, type Frame } from "./frames.js";

const root = new Uint8Array(randomBytes(32));
/** Fills a frame's data region with the blocks' bytes, back to back. */
const backToBack =
  (blocks: readonly { data: Uint8Array }[]) =>
  (dst: Uint8Array): void => {
    let at = 0;
    for (const b of blocks) {
      dst.set(b.data, at);
      at += b.data.length;
    }
    assert.equal(at, dst.length, "the region is exactly the blocks' bytes");
  };

const samples: Frame[] = [
  { type: "handshake", roots: [root, new Uint8Array(32)] },
  { type: "handshake", roots: [] },
  { type: "catalogue", files: [{ root, name: "clip ü.mp4", size: 5_000_000_000 }] },
  { type: "manifest-request", root },
  { type: "manifest-reply", root, total: 1000, offset: 200, data: new Uint8Array(800).fill(3) },
  { type: "have", root, piece: 77 },
  { type: "bitfield", root, pieceCount: 9, bits: Uint8Array.of(0xff, 0x80) },
  { type: "request", root, piece: 3, offset: 16384, length: 16384 },
  {
    type: "requests",
    root,
    spans: [
      { piece: 1, offset: 0, length: 16384 },
      { piece: 2, offset: 16384, length: 5 },
    ],
  },
  { type: "block", root, piece: 3, offset: 32768, data: new Uint8Array(16384).fill(9) },
  {
    type: "blocks",
    root,
    blocks: [
      { piece: 3, offset: 32768, data: new Uint8Array(16384).fill(7) },
      { piece: 9, offset: 0, data: new Uint8Array(16384).fill(8) },
      { piece: 10, offset: 16384, data: Uint8Array.of(1, 2, 3, 4, 5) },
    ],
  },
  { type: "cancel", root, piece: 3, offset: 0, length: 100 },
  { type: "reject", root, piece: 0xffffffff, offset: 0, length: 0, reason: REJECT_REASON.unknownFile },
];

const code = (b: Uint8Array): string => {
  try {
    decodeFrame(b);
    return "ok";
  } catch (e) {
    assert.ok(e instanceof WireError, `not a WireError: ${String(e)}`);
    return e.code;
  }
};

describe("wire codec", () => {
  it("round-trips every frame type", () => {
    for (const f of samples) assert.deepEqual(decodeFrame(encodeFrame(f)), f, f.type);
  });

  it("encodes block frames filled in place byte for byte as encodeFrame does", () => {
    for (const f of samples) {
      if (f.type !== "block" && f.type !== "blocks") continue;
      const blocks = f.type === "block" ? [f] : f.blocks;
      const spans = blocks.map((b) => ({ piece: b.piece, offset: b.offset, length: b.data.length }));
      const filled = encodeBlocksFrame(root, spans, backToBack(blocks));
      assert.deepEqual(filled, encodeFrame(f), f.type);
    }
  });

  it("writes a block frame into a reused buffer: a view of it with exactly the frame's bytes", () => {
    const pool = new Uint8Array(MAX_FRAME_BYTES).fill(0xee); // stale bytes of an earlier, longer frame
    for (const f of samples) {
      if (f.type !== "block" && f.type !== "blocks") continue;
      const blocks = f.type === "block" ? [f] : f.blocks;
      const spans = blocks.map((b) => ({ piece: b.piece, offset: b.offset, length: b.data.length }));
      const filled = encodeBlocksFrame(root, spans, backToBack(blocks), pool);
      assert.equal(filled.buffer, pool.buffer, `${f.type}: written in place`);
      assert.deepEqual(new Uint8Array(filled), encodeFrame(f), f.type);
      assert.deepEqual(decodeFrame(filled), f, `${f.type}: decodes back`);
    }
    // Too small a buffer is not used (the frame gets one of its own).
    const small = new Uint8Array(100);
    const one = samples.find((f) => f.type === "block")!;
    if (one.type !== "block") throw new Error("no block sample");
    const span = [{ piece: one.piece, offset: one.offset, length: one.data.length }];
    const own = encodeBlocksFrame(root, span, backToBack([one]), small);
    assert.notEqual(own.buffer, small.buffer);
    assert.deepEqual(own, encodeFrame(one));
  });

  it("rejects every truncation of every frame, and trailing bytes", () => {
    for (const f of samples) {
      const enc = encodeFrame(f);
      // A manifest-reply or block ends in free-length data: cutting into the data is a shorter valid frame.
      const fixedEnd =
        f.type === "block" || f.type === "manifest-reply" || f.type === "bitfield" ? 34 : enc.length;
      for (let n = 0; n < Math.min(fixedEnd, enc.length); n++)
        assert.notEqual(code(enc.subarray(0, n)), "ok", `${f.type} cut at ${n}`);
      if (f.type !== "block" && f.type !== "manifest-reply")
        assert.equal(code(new Uint8Array([...enc, 0])), "frame_malformed", f.type);
    }
  });

  it("types the errors: version, unknown type, oversized", () => {
    const enc = encodeFrame(samples[3]);
    assert.equal(code(Uint8Array.of(2, ...enc.subarray(1))), "frame_version");
    assert.equal(code(Uint8Array.of(1, 99, 0, 0)), "frame_unknown_type");
    assert.equal(code(new Uint8Array(MAX_FRAME_BYTES + 1).fill(1)), "frame_oversized");
  });

  it("checks field values: span, counts, reasons, UTF-8", () => {
    const bad: Frame[] = [
      { type: "request", root, piece: 0, offset: 100, length: 10 },
      { type: "request", root, piece: 0, offset: 0, length: 16385 },
      { type: "request", root, piece: 0, offset: 0, length: 0 },
      { type: "request", root, piece: 1 << 30, offset: 0, length: 1 },
      { type: "block", root, piece: 0, offset: 0, data: new Uint8Array(16385) },
      { type: "blocks", root, blocks: [{ piece: 0, offset: 0, data: new Uint8Array(9) }] },
      {
        type: "blocks",
        root,
        blocks: Array.from({ length: 4 }, (_, i) => ({ piece: i, offset: 0, data: new Uint8Array(100) })),
      },
      {
        type: "blocks",
        root,
        blocks: [
          { piece: 0, offset: 0, data: new Uint8Array(10) },
          { piece: 1, offset: 5, data: new Uint8Array(10) },
        ],
      },
      {
        type: "blocks",
        root,
        blocks: [
          { piece: 0, offset: 0, data: new Uint8Array(16385) },
          { piece: 1, offset: 0, data: new Uint8Array(10) },
        ],
      },
      {
        type: "blocks",
        root,
        blocks: [
          { piece: 0, offset: 0, data: new Uint8Array(10) },
          { piece: 1, offset: 0, data: new Uint8Array(0) },
        ],
      },
      { type: "bitfield", root, pieceCount: 20, bits: Uint8Array.of(1) },
      { type: "manifest-reply", root, total: 10, offset: 8, data: new Uint8Array(5) },
      { type: "reject", root, piece: 0, offset: 0, length: 1, reason: 77 as 1 },
      { type: "catalogue", files: [{ root, name: "", size: 1 }] },
      { type: "requests", root, spans: [] },
      {
        type: "requests",
        root,
        spans: Array.from({ length: 257 }, () => ({ piece: 0, offset: 0, length: 1 })),
      },
      {
        type: "requests",
        root,
        spans: [
          { piece: 0, offset: 0, length: 1 },
          { piece: 0, offset: 3, length: 1 },
        ],
      },
    ];
    for (const f of bad)
      assert.equal(
        code(encodeFrame(f)),
        "frame_malformed",
        JSON.stringify({ ...f, root: undefined }).slice(0, 80),
      );
    // A blocks frame whose stated lengths claim more (or less) than the data it carries.
    const blocks = encodeFrame(samples.find((f) => f.type === "blocks")!);
    const lastLength = 2 + 32 + 1 + 12 * 2 + 8 + 3; // low byte of the third block's length (5)
    for (const len of [4, 6]) {
      const b = blocks.slice();
      b[lastLength] = len;
      assert.equal(code(b), "frame_malformed", `length ${len}`);
    }
    const cat = encodeFrame({ type: "catalogue", files: [{ root, name: "ab", size: 1 }] });
    cat[cat.length - 1] = 0xff;
    assert.equal(code(cat), "frame_malformed");
  });

  it("never throws anything but a WireError on random bytes", () => {
    for (let i = 0; i < 5000; i++) {
      const b = new Uint8Array(randomBytes(1 + (i % 80)));
      if (i % 2) b[0] = 1;
      if (i % 4 === 1) b[1] = 1 + (i % 12);
      code(b);
    }
  });
});
