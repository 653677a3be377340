/**
 * ChannelData messages (RFC 8656 §12.4): channel number (0x4000-0x4FFF, or RFC 5766's 0x4000-0x7FFF with
 * `legacyChannelRange`), length, application data. Over UDP the
 * padding is optional; over TCP/TLS the message is padded to a multiple of 4 bytes (§12.5), and the padding is
 * not counted in the length field.
 */
import { allocate } from "./byte-pool.js";
import { StunDecodeError, encodeRange } from "./errors.js";
import { isValidChannelNumber, type ChannelRangeOptions } from "./attributes/turn.js";

export const CHANNEL_DATA_HEADER_LENGTH = 4;

export interface ChannelData {
  readonly channel: number;
  /** The application data: a view into the input bytes. */
  readonly data: Uint8Array;
}

export interface ChannelDataOptions extends ChannelRangeOptions {
  /** Pad to a multiple of 4 bytes with zeros (required over streams, optional over UDP). */
  readonly padded?: boolean;
}

/** Encodes a ChannelData message in one allocation. */
export function encodeChannelData(
  channel: number,
  data: Uint8Array,
  options: ChannelDataOptions = {},
): Uint8Array {
  if (!isValidChannelNumber(channel, options)) throw encodeRange("channel number out of range");
  if (data.length > 0xffff) throw encodeRange("ChannelData payload longer than 65535 bytes");
  const size = CHANNEL_DATA_HEADER_LENGTH + (options.padded ? (data.length + 3) & ~3 : data.length);
  // One plain Uint8Array from the codec's byte pool; the padding is zeroed, the rest overwritten.
  const buf = allocate(size);
  if (size > CHANNEL_DATA_HEADER_LENGTH + data.length) buf.fill(0, CHANNEL_DATA_HEADER_LENGTH + data.length);
  buf[0] = channel >> 8;
  buf[1] = channel & 0xff;
  buf[2] = data.length >> 8;
  buf[3] = data.length & 0xff;
  buf.set(data, CHANNEL_DATA_HEADER_LENGTH);
  return buf;
}

/**
 * Just the 4-byte ChannelData header, for senders that write header and payload without copying
 * (`socket.send([header, data])`); add the padding yourself over streams.
 */
export function encodeChannelDataHeader(
  channel: number,
  length: number,
  options?: ChannelRangeOptions,
): Uint8Array {
  if (!isValidChannelNumber(channel, options)) throw encodeRange("channel number out of range");
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) throw encodeRange("length must be 0-65535");
  return Uint8Array.of(channel >> 8, channel & 0xff, length >> 8, length & 0xff);
}

/**
 * Decodes a ChannelData message from a datagram or a stream frame. Bytes after the data (padding) are ignored;
 * a message shorter than its length field, or with a channel number outside 0x4000-0x4FFF, is a StunDecodeError.
 */
export function decodeChannelData(bytes: Uint8Array, options?: ChannelRangeOptions): ChannelData {
  if (bytes.length < CHANNEL_DATA_HEADER_LENGTH)
    throw new StunDecodeError("STUN_ERR_TOO_SHORT", "fewer than 4 bytes for a ChannelData header");
  const channel = (bytes[0] << 8) | bytes[1];
  if (!isValidChannelNumber(channel, options))
    throw new StunDecodeError("STUN_ERR_BAD_CHANNEL_DATA", "channel number out of range");
  const length = (bytes[2] << 8) | bytes[3];
  if (CHANNEL_DATA_HEADER_LENGTH + length > bytes.length)
    throw new StunDecodeError("STUN_ERR_BAD_CHANNEL_DATA", "ChannelData shorter than its length field");
  return { channel, data: bytes.subarray(CHANNEL_DATA_HEADER_LENGTH, CHANNEL_DATA_HEADER_LENGTH + length) };
}
