/**
 * Framing of STUN and ChannelData messages over TCP/TLS (RFC 8489 §6.2.2, RFC 8656 §12.5): a STUN message is
 * 20 + length bytes; a ChannelData message is 4 + length rounded up to a multiple of 4. Anything else, or a frame
 * larger than the limit, is garbage: the connection should be closed. Unlike RFC 7983 datagram demultiplexing
 * (first byte 0-3), any first byte with the top two bits clear starts a STUN frame, so every method frames.
 */
import { HEADER_LENGTH, MAGIC_COOKIE } from "./constants.js";
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

function invalid(message: string): FrameResult {
  return { status: "invalid", error: new StunDecodeError("STUN_ERR_BAD_FRAME", message) };
}

/**
 * Looks at the start of accumulated stream bytes: the length of the next complete frame, "need-more", or
 * "invalid" for bytes that start no STUN/ChannelData frame or announce one larger than `maxFrame`.
 */
export function nextStreamFrame(bytes: Uint8Array, options?: number | FramerOptions): FrameResult {
  if (bytes.length === 0) return NEED_MORE;
  const opts = framerOptions(options);
  const maxFrame = opts.maxFrame ?? MAX_STREAM_FRAME;
  const b0 = bytes[0];
  const kind: FrameKind | undefined =
    (b0 & 0xc0) === 0 ? "stun" : b0 >= 0x40 && b0 <= maxChannel(opts) >> 8 ? "channel-data" : undefined;
  if (kind === undefined) return invalid("bytes start neither a STUN nor a ChannelData message");
  if (bytes.length < 4) return NEED_MORE;
  const length = (bytes[2] << 8) | bytes[3];
  let total: number;
  if (kind === "stun") {
    if ((length & 3) !== 0) return invalid("STUN length is not a multiple of 4");
    total = HEADER_LENGTH + length;
    if (bytes.length >= 8) {
      const cookie = ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
      if (cookie !== MAGIC_COOKIE) return invalid("no magic cookie");
    }
  } else {
    const channel = (b0 << 8) | bytes[1];
    if (!isValidChannelNumber(channel, opts)) return invalid("channel number out of range");
    total = 4 + ((length + 3) & ~3);
  }
  if (total > maxFrame) return invalid(`frame of ${total} bytes exceeds the limit of ${maxFrame}`);
  if (bytes.length < total) return NEED_MORE;
  return { status: "frame", kind, length: total };
}

/**
 * Accumulates stream chunks and cuts them into frames. `push` returns the complete frames (views, valid until
 * the next push) and throws StunDecodeError on garbage; `buffered` never exceeds `maxFrame` + one chunk.
 */
export class StreamFramer {
  private pending: Uint8Array = new Uint8Array(0);
  private readonly options: FramerOptions;

  /** A number is the maximum frame size (as before); options also choose the channel range. */
  constructor(options?: number | FramerOptions) {
    this.options = framerOptions(options);
  }

  /** Bytes held while waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    let data: Uint8Array;
    if (this.pending.length === 0) data = chunk;
    else {
      data = new Uint8Array(this.pending.length + chunk.length);
      data.set(this.pending, 0);
      data.set(chunk, this.pending.length);
    }
    const frames: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      const rest = data.subarray(offset);
      const r = nextStreamFrame(rest, this.options);
      if (r.status === "invalid") {
        this.pending = new Uint8Array(0);
        throw r.error;
      }
      if (r.status === "need-more") break;
      frames.push(rest.subarray(0, r.length));
      offset += r.length;
    }
    // Keep a private copy of the tail: the caller may reuse its chunk buffer.
    this.pending = offset === data.length ? new Uint8Array(0) : data.slice(offset);
    return frames;
  }
}
