// @switchboard/client/node: what only Node needs — its WebRTC stack and WebSocket.
import { RTCPeerConnection } from "node-datachannel/polyfill";
import { WebSocket } from "ws";
import type { RtcImplementation } from "./peer/rtc.js";
import type { WebSocketConstructor } from "./signaling/websocket.js";

export * from "./index.js";

/**
 * node-datachannel's `RTCPeerConnection` polyfill (libdatachannel) and the `ws` WebSocket, for
 * `new SwitchboardClient({ rtc: nodeRtc(), … })`. Its connections cannot be renegotiated: the SDK replaces a
 * failed connection instead of restarting ICE on it.
 */
export function nodeRtc(): RtcImplementation {
  return {
    RTCPeerConnection: RTCPeerConnection as unknown as RtcImplementation["RTCPeerConnection"],
    canRenegotiate: false,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  };
}
