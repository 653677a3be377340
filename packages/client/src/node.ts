// @switchboard/client/node: what only Node needs — its WebRTC stack and WebSocket.
import { RTCPeerConnection } from "node-datachannel/polyfill";
import { WebSocket } from "ws";
import { DhtWire } from "./discovery/dht-wire.js";
import type { RtcImplementation } from "./peer/rtc.js";
import type { WebSocketConstructor } from "./signaling/websocket.js";

export * from "./index.js";
export { DhtWire, type DhtWireOptions } from "./discovery/dht-wire.js";
export { parseBootstrap } from "./discovery/bootstrap.js";

/**
 * The polyfill hands TURN credentials to libdatachannel inside a URL (`turn:USER:PASS@host`) without escaping them,
 * so a REST username `<expiry>:<user>` would be cut at its colon; libdatachannel URL-decodes both fields, so they
 * are percent-encoded here.
 */
class NodeRTCPeerConnection extends RTCPeerConnection {
  constructor(config: RTCConfiguration = {}) {
    super({
      ...config,
      iceServers: (config.iceServers ?? []).map((s) =>
        typeof s.username === "string" && typeof s.credential === "string"
          ? { ...s, username: encodeURIComponent(s.username), credential: encodeURIComponent(s.credential) }
          : s,
      ),
    });
  }
}

/**
 * node-datachannel's `RTCPeerConnection` polyfill (libdatachannel) and the `ws` WebSocket, for
 * `new SwitchboardClient({ rtc: nodeRtc(), … })`. Its connections cannot be renegotiated: the SDK replaces a
 * failed connection instead of restarting ICE on it.
 */
export function nodeRtc(): RtcImplementation {
  return {
    RTCPeerConnection: NodeRTCPeerConnection as unknown as RtcImplementation["RTCPeerConnection"],
    canRenegotiate: false,
    offerCandidatesAfterAnswer: true,
    offerCandidatesAfterIceMs: 250,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    dhtWire: (o) => new DhtWire(o),
  };
}

// NAT behaviour discovery over UDP (RFC 5780) and the connection strategy it implies.
export {
  getNATInfo,
  getRecommendedStrategy,
  expectDirect,
  natProfile,
  NAT_TYPES,
  NATDiscoveryError,
  parseStunServer,
  parseStunServerList,
  formatStunServer,
  formatEndpoint,
  DEFAULT_STUN_PORT,
  type NATDiscoveryOptions,
  type NATInfo,
  type NatType,
  type MappingBehavior,
  type FilteringBehavior,
  type Strategy,
  type StrategyAdvice,
  type Endpoint,
  type StunServerAddress,
  type RetransmitOptions,
} from "./nat/index.js";
