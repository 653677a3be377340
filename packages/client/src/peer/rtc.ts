import type { DhtWireFactory } from "../discovery/transport.js";
import type { WebSocketConstructor } from "../signaling/websocket.js";

/** The WebRTC implementation the SDK is given: browsers pass `globalThis`, Node passes `nodeRtc()`. */
export interface RtcImplementation {
  readonly RTCPeerConnection: new (config?: RTCConfiguration) => RTCPeerConnection;
  /**
   * Whether an existing connection can be renegotiated (ICE restart, rollback). node-datachannel's polyfill
   * cannot: the SDK then replaces the connection instead (default: true).
   */
  readonly canRenegotiate?: boolean;
  /** The WebSocket constructor, where the platform has no global one (Node 20: the `ws` package). */
  readonly WebSocket?: WebSocketConstructor;
  /** The mainline DHT wire for `discovery: "dht"` (Node only: UDP and TCP sockets). */
  readonly dhtWire?: DhtWireFactory;
}
