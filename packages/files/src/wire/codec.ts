import { decodeUtf8, encodeUtf8 } from "../bytes.js";
import { WireError } from "../errors.js";
import { HASH_LENGTH } from "../hash.js";
import { MAX_MANIFEST_BYTES, MAX_NAME_BYTES, MAX_PIECES } from "../manifest.js";
import { BLOCK_SIZE } from "../piece-size.js";
import {
  FRAME_TYPE,
  MANIFEST_CHUNK_BYTES,
  MAX_CATALOGUE_ENTRIES,
  MAX_FRAME_BYTES,
  MAX_BATCH_REQUESTS,
  MAX_BLOCKS_PER_FRAME,
  MAX_HANDSHAKE_ROOTS,
  REJECT_REASON,
  WIRE_VERSION,
  type Frame,
  type RejectReason,
} from "./frames.js";

/**
 * Grows a byte buffer as fields are written (frames are small). Given a buffer of its own (`into`, large enough),
 * it writes there and `done` returns a view of it: no allocation, no zero-fill.
 */
class Writer {
  #buf: Uint8Array;
  #view: DataView;
  #at = 0;
  #borrowed: boolean;
  constructor(capacity: number, into?: Uint8Array) {
    this.#borrowed = into !== undefined && into.length >= capacity;
    this.#buf = this.#borrowed ? into! : new Uint8Array(capacity);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }
  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#at + n));
    next.set(this.#buf.subarray(0, this.#at));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
    this.#borrowed = false;
  }
  u8(v: number): this {
    this.#room(1);
    this.#view.setUint8(this.#at++, v);
    return this;
  }
  u16(v: number): this {
    this.#room(2);
    this.#view.setUint16(this.#at, v);
    this.#at += 2;
    return this;
  }
  u32(v: number): this {
    this.#room(4);
    this.#view.setUint32(this.#at, v);
    this.#at += 4;
    return this;
  }
  u64(v: number): this {
    this.#room(8);
    this.#view.setBigUint64(this.#at, BigInt(v));
    this.#at += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.#room(b.length);
    this.#buf.set(b, this.#at);
    this.#at += b.length;
    return this;
  }
  /** The next `n` bytes, left for the caller to fill (a view: valid while the buffer does not grow). */
  reserve(n: number): Uint8Array {
    this.#room(n);
    const view = this.#buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return view;
  }
  done(): Uint8Array {
    if (this.#borrowed) return this.#buf.subarray(0, this.#at);
    return this.#at === this.#buf.length ? this.#buf : this.#buf.slice(0, this.#at);
  }
}

/** Reads fields, throwing a WireError on any shortfall. */
class Reader {
  readonly #b: Uint8Array;
  readonly #view: DataView;
  #at: number;
  constructor(b: Uint8Array, at: number) {
    this.#b = b;
    this.#view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.#at = at;
  }
  #need(n: number): void {
    if (this.#at + n > this.#b.length) throw new WireError("frame_malformed", "frame is truncated");
  }
  u8(): number {
    this.#need(1);
    return this.#view.getUint8(this.#at++);
  }
  u16(): number {
    this.#need(2);
    const v = this.#view.getUint16(this.#at);
    this.#at += 2;
    return v;
  }
  u32(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.#at);
    this.#at += 4;
    return v;
  }
  u64(): number {
    this.#need(8);
    const v = this.#view.getBigUint64(this.#at);
    this.#at += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireError("frame_malformed", "size out of range");
    return Number(v);
  }
  bytes(n: number): Uint8Array {
    this.#need(n);
    return this.#b.slice(this.#at, (this.#at += n));
  }
  /** The remaining bytes, as a view (no copy: the frame is ours alone). */
  rest(): Uint8Array {
    const out = this.#b.subarray(this.#at);
    this.#at = this.#b.length;
    return out;
  }
  end(): void {
    if (this.#at !== this.#b.length) throw new WireError("frame_malformed", "frame has trailing bytes");
  }
}

const malformed = (why: string): WireError => new WireError("frame_malformed", why);
const REASONS = new Set<number>(Object.values(REJECT_REASON));

function checkPiece(piece: number): void {
  if (piece >= MAX_PIECES) throw malformed("piece index out of range");
}

function checkSpan(offset: number, length: number): void {
  if (offset % BLOCK_SIZE !== 0) throw malformed("offset is not on a block boundary");
  if (length < 1 || length > BLOCK_SIZE) throw malformed(`length must be 1–${BLOCK_SIZE}`);
}

/** A block's piece, offset and length (u32 each), checked against the bounds. */
function readSpan(r: Reader): { piece: number; offset: number; length: number } {
  const piece = r.u32();
  const offset = r.u32();
  const length = r.u32();
  checkPiece(piece);
  checkSpan(offset, length);
  return { piece, offset, length };
}

export function encodeFrame(f: Frame): Uint8Array {
  // Blocks and manifest chunks: the exact size at once (no regrowth on the hot path).
  const capacity =
    f.type === "requests"
      ? 2 + 32 + 2 + 12 * f.spans.length
      : f.type === "block"
        ? 2 + 32 + 8 + f.data.length
        : f.type === "blocks"
          ? 2 + 32 + 1 + f.blocks.reduce((n, b) => n + 12 + b.data.length, 0)
          : f.type === "manifest-reply"
            ? 2 + 32 + 8 + f.data.length
            : 64;
  const w = new Writer(capacity).u8(WIRE_VERSION);
  switch (f.type) {
    case "handshake":
      w.u8(FRAME_TYPE.handshake).u16(f.roots.length);
      for (const r of f.roots) w.bytes(r);
      break;
    case "catalogue":
      w.u8(FRAME_TYPE.catalogue).u16(f.files.length);
      for (const e of f.files) {
        const name = encodeUtf8(e.name);
        w.bytes(e.root).u64(e.size).u16(name.length).bytes(name);
      }
      break;
    case "manifest-request":
      w.u8(FRAME_TYPE.manifestRequest).bytes(f.root);
      break;
    case "manifest-reply":
      w.u8(FRAME_TYPE.manifestReply).bytes(f.root).u32(f.total).u32(f.offset).bytes(f.data);
      break;
    case "have":
      w.u8(FRAME_TYPE.have).bytes(f.root).u32(f.piece);
      break;
    case "bitfield":
      w.u8(FRAME_TYPE.bitfield).bytes(f.root).u32(f.pieceCount).bytes(f.bits);
      break;
    case "request":
    case "cancel":
      w.u8(FRAME_TYPE[f.type]).bytes(f.root).u32(f.piece).u32(f.offset).u32(f.length);
      break;
    case "requests":
      w.u8(FRAME_TYPE.requests).bytes(f.root).u16(f.spans.length);
      for (const sp of f.spans) w.u32(sp.piece).u32(sp.offset).u32(sp.length);
      break;
    case "block":
      w.u8(FRAME_TYPE.block).bytes(f.root).u32(f.piece).u32(f.offset).bytes(f.data);
      break;
    case "blocks":
      w.u8(FRAME_TYPE.blocks).bytes(f.root).u8(f.blocks.length);
      for (const b of f.blocks) w.u32(b.piece).u32(b.offset).u32(b.data.length);
      for (const b of f.blocks) w.bytes(b.data);
      break;
    case "reject":
      w.u8(FRAME_TYPE.reject).bytes(f.root).u32(f.piece).u32(f.offset).u32(f.length).u8(f.reason);
      break;
  }
  const out = w.done();
  if (out.length > MAX_FRAME_BYTES) throw new WireError("frame_oversized", `frame of ${out.length} bytes`);
  return out;
}

/**
 * Encodes a `block` frame (one span) or a `blocks` frame (several) whose data `fill` writes in place, so a block
 * read from storage goes into the frame without a buffer of its own. A frame carries its blocks' data back to back,
 * in span order: `fill` gets that whole region at once (a reader can fill file-contiguous spans in one read). The
 * same bytes as `encodeFrame` gives for those blocks. With `into` (at least the frame's size) the frame is written
 * there and returned as a view of it.
 */
export function encodeBlocksFrame(
  root: Uint8Array,
  spans: readonly { readonly piece: number; readonly offset: number; readonly length: number }[],
  fill: (data: Uint8Array) => void,
  into?: Uint8Array,
): Uint8Array {
  const dataBytes = spans.reduce((n, s) => n + s.length, 0);
  const one = spans.length === 1;
  const w = new Writer(one ? 2 + 32 + 8 + dataBytes : 2 + 32 + 1 + 12 * spans.length + dataBytes, into);
  w.u8(WIRE_VERSION);
  if (one) w.u8(FRAME_TYPE.block).bytes(root).u32(spans[0].piece).u32(spans[0].offset);
  else {
    w.u8(FRAME_TYPE.blocks).bytes(root).u8(spans.length);
    for (const s of spans) w.u32(s.piece).u32(s.offset).u32(s.length);
  }
  fill(w.reserve(dataBytes));
  const out = w.done();
  if (out.length > MAX_FRAME_BYTES) throw new WireError("frame_oversized", `frame of ${out.length} bytes`);
  return out;
}

/**
 * Decodes one frame from a peer. Everything is checked: version, type, exact lengths, bounds on every count and
 * index. Anything wrong throws a WireError; the caller closes that peer's channel.
 */
export function decodeFrame(b: Uint8Array): Frame {
  if (b.length > MAX_FRAME_BYTES) throw new WireError("frame_oversized", `frame of ${b.length} bytes`);
  if (b.length < 2) throw malformed("frame is truncated");
  if (b[0] !== WIRE_VERSION) throw new WireError("frame_version", `wire version ${b[0]} is not supported`);
  const r = new Reader(b, 2);
  const root = (): Uint8Array => r.bytes(HASH_LENGTH);
  let frame: Frame;
  switch (b[1]) {
    case FRAME_TYPE.handshake: {
      const n = r.u16();
      if (n > MAX_HANDSHAKE_ROOTS) throw malformed("too many roots");
      const roots: Uint8Array[] = [];
      for (let i = 0; i < n; i++) roots.push(root());
      frame = { type: "handshake", roots };
      break;
    }
    case FRAME_TYPE.catalogue: {
      const n = r.u16();
      if (n > MAX_CATALOGUE_ENTRIES) throw malformed("too many catalogue entries");
      const files = [];
      for (let i = 0; i < n; i++) {
        const entryRoot = root();
        const size = r.u64();
        const len = r.u16();
        if (len === 0 || len > MAX_NAME_BYTES) throw malformed("catalogue name length");
        const name = decodeUtf8(r.bytes(len));
        if (name === null) throw malformed("catalogue name is not UTF-8");
        files.push({ root: entryRoot, name, size });
      }
      frame = { type: "catalogue", files };
      break;
    }
    case FRAME_TYPE.manifestRequest:
      frame = { type: "manifest-request", root: root() };
      break;
    case FRAME_TYPE.manifestReply: {
      const fr = root();
      const total = r.u32();
      const offset = r.u32();
      const data = r.rest();
      if (total > MAX_MANIFEST_BYTES) throw malformed("manifest too large");
      if (data.length > MANIFEST_CHUNK_BYTES || offset + data.length > total)
        throw malformed("manifest chunk bounds");
      if (data.length === 0 && total !== 0) throw malformed("empty manifest chunk");
      frame = { type: "manifest-reply", root: fr, total, offset, data };
      break;
    }
    case FRAME_TYPE.have: {
      const fr = root();
      const piece = r.u32();
      checkPiece(piece);
      frame = { type: "have", root: fr, piece };
      break;
    }
    case FRAME_TYPE.bitfield: {
      const fr = root();
      const pieceCount = r.u32();
      if (pieceCount > MAX_PIECES) throw malformed("bitfield too long");
      const bits = r.rest();
      if (bits.length !== Math.ceil(pieceCount / 8))
        throw malformed("bitfield length does not match its count");
      frame = { type: "bitfield", root: fr, pieceCount, bits };
      break;
    }
    case FRAME_TYPE.request:
    case FRAME_TYPE.cancel: {
      const type = b[1] === FRAME_TYPE.request ? "request" : "cancel";
      const fr = root();
      frame = { type, root: fr, ...readSpan(r) };
      break;
    }
    case FRAME_TYPE.requests: {
      const fr = root();
      const n = r.u16();
      if (n === 0 || n > MAX_BATCH_REQUESTS)
        throw malformed(`a batch holds 1–${MAX_BATCH_REQUESTS} requests`);
      const spans = [];
      for (let i = 0; i < n; i++) spans.push(readSpan(r));
      frame = { type: "requests", root: fr, spans };
      break;
    }
    case FRAME_TYPE.block: {
      const fr = root();
      const piece = r.u32();
      const offset = r.u32();
      const data = r.rest();
      checkPiece(piece);
      checkSpan(offset, data.length);
      frame = { type: "block", root: fr, piece, offset, data };
      break;
    }
    case FRAME_TYPE.blocks: {
      const fr = root();
      const n = r.u8();
      if (n < 2 || n > MAX_BLOCKS_PER_FRAME)
        throw malformed(`a blocks frame holds 2–${MAX_BLOCKS_PER_FRAME} blocks`);
      const heads = [];
      for (let i = 0; i < n; i++) heads.push(readSpan(r));
      // Views into the frame, one after the other; the lengths must add up to exactly what is left.
      const data = r.rest();
      let at = 0;
      const blocks = [];
      for (const h of heads) {
        if (at + h.length > data.length) throw malformed("frame is truncated");
        blocks.push({ piece: h.piece, offset: h.offset, data: data.subarray(at, (at += h.length)) });
      }
      if (at !== data.length) throw malformed("frame has trailing bytes");
      frame = { type: "blocks", root: fr, blocks };
      break;
    }
    case FRAME_TYPE.reject: {
      const fr = root();
      const piece = r.u32();
      const offset = r.u32();
      const length = r.u32();
      const reason = r.u8();
      if (!REASONS.has(reason)) throw malformed("unknown reject reason");
      frame = { type: "reject", root: fr, piece, offset, length, reason: reason as RejectReason };
      break;
    }
    default:
      throw new WireError("frame_unknown_type", `unknown frame type ${b[1]}`);
  }
  r.end();
  return frame;
}
