import type { ClientLink } from "../state/types.js";

/** What the transports feed: every STUN message or ChannelData frame from a client, and closed connections. */
export interface PacketHandler {
  onPacket(link: ClientLink, data: Uint8Array): void;
  onClose(link: ClientLink): void;
}
