/**
 * Framing of STUN and ChannelData messages over TCP/TLS (RFC 8489 §6.2.2, RFC 8656 §12.5): a STUN message is
 * 20 + length bytes; a ChannelData message is 4 + length rounded up to a multiple of 4. Anything else, or a frame
 * larger than the limit, is garbage: the connection should be closed. Unlike RFC 7983 datagram demultiplexing
 * (first byte 0-3), any first byte with the top two bits clear starts a STUN frame, so every method frames.
 */
import { HEADER_LENGTH, MAGIC_COOKIE } from "./constants.js";
import { allocate } from "./byte-pool.js";
import { StunDecodeError } from "./errors.js";
import { isValidChannelNumber, maxChannel, type ChannelRangeOptions } from "./attributes/turn.js";

/** Largest STUN frame possible (20 + 65532) — the default limit. */
export const MAX_STREAM_FRAME = HEADER_LENGTH + 0xfffc;

export interface FramerOptions extends ChannelRangeOptions {
  /** Largest frame accepted (default MAX_STREAM_FRAME). */
  readonly maxFrame?: number;
}

function framerOptions(o: number | FramerOptions | undefined): FramerOptions {
  return typeof o === "number" ? { maxFrame: o } : (o ?? {});
}

export type FrameKind = "stun" | "channel-data";

export type FrameResult =
  | { readonly status: "frame"; readonly kind: FrameKind; readonly length: number }
  | { readonly status: "need-more" }
  | { readonly status: "invalid"; readonly error: StunDecodeError };

const NEED_MORE: FrameResult = Object.freeze({ status: "need-more" });
const EMPTY = new Uint8Array(0);

interface Limits {
  readonly maxFrame: number;
  readonly channels: ChannelRangeOptions;
  /** Highest first byte of a ChannelData frame. */
  readonly maxChannelByte: number;
}

function limitsOf(options: number | FramerOptions | undefined): Limits {
  const opts = framerOptions(options);
  return {
    maxFrame: opts.maxFrame ?? MAX_STREAM_FRAME,
    channels: opts,
    maxChannelByte: maxChannel(opts) >> 8,
  };
}

/**
 * The frame starting at `bytes[start]`: its length, 0 when more bytes are needed, or why it is invalid. One
 * number or string, so the framer's loop allocates nothing per frame.
 */
function scanFrame(bytes: Uint8Array, start: number, limits: Limits): number | string {
  const available = bytes.length - start;
  if (available <= 0) return 0;
  const b0 = bytes[start];
  const stun = (b0 & 0xc0) === 0;
  if (!stun && (b0 < 0x40 || b0 > limits.maxChannelByte))
    return "bytes start neither a STUN nor a ChannelData message";
  if (available < 4) return 0;
  const length = (bytes[start + 2] << 8) | bytes[start + 3];
  let total: number;
  if (stun) {
    if ((length & 3) !== 0) return "STUN length is not a multiple of 4";
    total = HEADER_LENGTH + length;
    if (available >= 8) {
      const cookie =
        ((bytes[start + 4] << 24) | (bytes[start + 5] << 16) | (bytes[start + 6] << 8) | bytes[start + 7]) >>>
        0;
      if (cookie !== MAGIC_COOKIE) return "no magic cookie";
    }
  } else {
    if (!isValidChannelNumber((b0 << 8) | bytes[start + 1], limits.channels))
      return "channel number out of range";
    total = 4 + ((length + 3) & ~3);
  }
  if (total > limits.maxFrame) return `frame of ${total} bytes exceeds the limit of ${limits.maxFrame}`;
  return available < total ? 0 : total;
}

const badFrame = (message: string): StunDecodeError => new StunDecodeError("STUN_ERR_BAD_FRAME", message);

/**
 * Looks at the start of accumulated stream bytes: the length of the next complete frame, "need-more", or
 * "invalid" for bytes that start no STUN/ChannelData frame or announce one larger than `maxFrame`.
 */
export function nextStreamFrame(bytes: Uint8Array, options?: number | FramerOptions): FrameResult {
  const r = scanFrame(bytes, 0, limitsOf(options));
  if (typeof r === "string") return { status: "invalid", error: badFrame(r) };
  if (r === 0) return NEED_MORE;
  return { status: "frame", kind: (bytes[0] & 0xc0) === 0 ? "stun" : "channel-data", length: r };
}

/**
 * Accumulates stream chunks and cuts them into frames. `push` returns the complete frames (views, valid until
 * the next push) and throws StunDecodeError on garbage; `buffered` never exceeds `maxFrame` + one chunk.
 */
export class StreamFramer {
  private pending: Uint8Array = EMPTY;
  private readonly limits: Limits;

  /** A number is the maximum frame size (as before); options also choose the channel range. */
  constructor(options?: number | FramerOptions) {
    this.limits = limitsOf(options);
  }

  /** Bytes held while waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const held = this.pending;
    let data: Uint8Array;
    if (held.length === 0) data = chunk;
    else {
      // Not zero-filled: both parts are copied over it.
      data = allocate(held.length + chunk.length);
      data.set(held, 0);
      data.set(chunk, held.length);
    }
    const frames: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      const r = scanFrame(data, offset, this.limits);
      if (typeof r === "string") {
        this.pending = EMPTY;
        throw badFrame(r);
      }
      if (r === 0) break;
      frames.push(data.subarray(offset, offset + r));
      offset += r;
    }
    // Keep a private copy of the tail: the caller may reuse its chunk buffer.
    if (offset === data.length) this.pending = EMPTY;
    else if (data !== chunk) this.pending = data.subarray(offset);
    else {
      const tail = allocate(data.length - offset);
      tail.set(data.subarray(offset));
      this.pending = tail;
    }
    return frames;
  }
}
