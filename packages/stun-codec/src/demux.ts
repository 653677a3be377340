/**
 * Demultiplexing by first byte (RFC 7983 §7, as updated by RFC 9443): 0-3 STUN, 16-19 ZRTP, 20-63 DTLS,
 * 64-79 TURN ChannelData, 128-191 RTP/RTCP, anything else unknown (drop).
 */
import type { ChannelRangeOptions } from "./attributes/turn.js";

export type PacketKind = "stun" | "zrtp" | "dtls" | "channel-data" | "rtp" | "unknown";

/** With `legacyChannelRange`, 64-127 is ChannelData (RFC 5766 channels up to 0x7FFF; RFC 7983 leaves 80-127 unassigned). */
export function classifyPacket(bytes: Uint8Array, options?: ChannelRangeOptions): PacketKind {
  if (bytes.length === 0) return "unknown";
  const b = bytes[0];
  if (b <= 3) return "stun";
  if (b >= 64 && (b <= 79 || (options?.legacyChannelRange === true && b <= 127))) return "channel-data";
  if (b >= 20 && b <= 63) return "dtls";
  if (b >= 128 && b <= 191) return "rtp";
  if (b >= 16 && b <= 19) return "zrtp";
  return "unknown";
}
