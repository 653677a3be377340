/**
 * ChannelData framing over the RFC 5766 channel range 0x4000–0x7FFF. RFC 8656 §12 narrowed the range to
 * 0x4000–0x4FFF, and `@switchboard/stun-codec` implements only that; coturn (server and `turnutils_uclient`)
 * still binds numbers up to 0x7FFF, so the relay accepts the wider range for interoperability. The header is
 * 4 bytes (channel, length), padded to a multiple of 4 over stream transports.
 */
export const MIN_CHANNEL = 0x4000;
export const MAX_CHANNEL = 0x7fff;
export const CHANNEL_HEADER = 4;

/** Whether a first byte starts a ChannelData message (0x40–0x7F). */
export const isChannelDataByte = (b: number | undefined): boolean =>
  b !== undefined && b >= 0x40 && b <= 0x7f;

/** The channel number and payload of a ChannelData message (a view, no copy); undefined when malformed. */
export function readChannelData(bytes: Buffer): { channel: number; data: Buffer } | undefined {
  if (bytes.length < CHANNEL_HEADER) return undefined;
  const channel = bytes.readUInt16BE(0);
  const length = bytes.readUInt16BE(2);
  if (channel < MIN_CHANNEL || channel > MAX_CHANNEL || CHANNEL_HEADER + length > bytes.length)
    return undefined;
  return { channel, data: bytes.subarray(CHANNEL_HEADER, CHANNEL_HEADER + length) };
}

/** Encodes a ChannelData message (header + payload, zero padding on streams) into one new buffer. */
export function writeChannelData(channel: number, data: Uint8Array, padded: boolean): Buffer {
  const size = CHANNEL_HEADER + (padded ? (data.length + 3) & ~3 : data.length);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt16BE(channel, 0);
  out.writeUInt16BE(data.length, 2);
  out.set(data, CHANNEL_HEADER);
  out.fill(0, CHANNEL_HEADER + data.length);
  return out;
}

/** On a stream: the padded size of the ChannelData frame starting `bytes`, or undefined if the header is short. */
export function channelFrameLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < CHANNEL_HEADER) return undefined;
  const length = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  return CHANNEL_HEADER + ((length + 3) & ~3);
}
