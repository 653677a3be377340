// @switchboard/client: the SDK for browsers and Node (WebRTC and WebSocket injected).
export { SwitchboardClient, type ClientOptions, type HealthReport, type SessionSnapshot } from "./client.js";
export type { SignalingTransport, SignalingTransportFactory } from "./signaling/transport.js";
export type { Outgoing, SignalingSessionOptions, Welcome } from "./signaling/session.js";
export {
  CLIENT_EVENTS,
  TypedEmitter,
  type ChatItem,
  type ClientEventMap,
  type ClientEventName,
  type ConnectionInfo,
} from "./events.js";
export {
  ChatError,
  CLIENT_ERROR_CODES,
  humanMessage,
  SwitchboardError,
  type ClientErrorCode,
  type SwitchboardErrorCode,
} from "./errors.js";
export { WritableStore, type Readable } from "./stores.js";
export { HIGH_WATER_MARK, MAX_CHANNEL_MESSAGE, type PeerChannel } from "./channel/peer-channel.js";
export {
  generateKeyPair,
  sign,
  verify,
  signaturePayload,
  type SignedFields,
  type SigningKeyPair,
} from "./crypto/signing.js";
export {
  exponentialBackoff,
  type BackoffPolicy,
  type ExponentialBackoffOptions,
} from "./signaling/backoff.js";
export type { SignalingState } from "./signaling/state.js";
export type { WebSocketConstructor, WebSocketLike } from "./signaling/websocket.js";
export type { RtcImplementation } from "./peer/rtc.js";
export { DISCOVERY_NAMESPACE, meetingInfoHash } from "./discovery/meeting-keys.js";
export { checkTrackerUrls } from "./discovery/tracker-urls.js";
// DiscoverySession and TrackerWire are in "@switchboard/client/discovery" (kept out of the browser build's root).
export type { PeerWire, WireHandlers, DhtWireFactory } from "./discovery/transport.js";
export type { ConnectionStats } from "./peer/connections.js";
export type { RoomPeer } from "./room/roster.js";
export type { MediaState } from "./media/local-media.js";

/** The signaling protocol version this SDK speaks. */
export const CLIENT_PROTOCOL_VERSION = 1;
