/** The label of the SDK's own data channel (messages, chat, id changes). */
export const SDK_CHANNEL = "switchboard";

/**
 * The SDK channel is negotiated (RFC 8832 §6): both ends create it with the same id, so it opens as soon as the
 * SCTP association is up, with no DATA_CHANNEL_OPEN round trip and no `datachannel` event to wait for. Extra
 * channels (`openChannel`) are announced in-band and get ids the stack picks (never 0 while this one holds it).
 */
export const SDK_CHANNEL_INIT: RTCDataChannelInit = { negotiated: true, id: 0, ordered: true };
