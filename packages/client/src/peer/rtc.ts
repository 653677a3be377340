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
  /**
   * The offerer sends its ICE candidates only once the answer is set (default: false, they trickle at once).
   * libdatachannel's `setRemoteDescription(answer)` hands the ICE agent the remote credentials before it stores
   * the description: when the answerer's checks (made from candidates trickled with the offer) already reached
   * us, ICE and the whole DTLS handshake can complete in that gap on the library's threads, and the fingerprint
   * check then finds no remote description and fails the handshake (seen under CPU load: the connection closes
   * ~20 ms after the answer). Holding the candidates means no check can arrive before the answer is stored; the
   * answerer still learns our address from our own checks (peer-reflexive), and gets the candidates right after.
   */
  readonly offerCandidatesAfterAnswer?: boolean;
  /**
   * With `offerCandidatesAfterAnswer`, when the answer makes the remote side the DTLS client (`a=setup:active`, as
   * libdatachannel always answers): the candidates wait on, until this side's ICE is connected or this long has
   * passed, ms (default 0: they go with the answer). libdatachannel 0.24 (OpenSSL build) can lose a ClientHello that
   * reaches its DTLS server before the server's own ICE is connected: the packet is buffered and replayed when the
   * DTLS transport starts, but the replay queues a receive task before the transport is marked connecting, and a
   * task that runs in that gap leaves the packet unread; the handshake then waits for the client's retransmission,
   * ~1 s later. The answerer is ICE-controlled: without our candidates it can only answer our checks and check
   * back, so our ICE (and DTLS server) is up before its ClientHello leaves. The bound keeps paths on which only the
   * answerer's checks can open the way (restrictive NATs) from waiting long. See the package README.
   */
  readonly offerCandidatesAfterIceMs?: number;
  /** The WebSocket constructor, where the platform has no global one (Node 20: the `ws` package). */
  readonly WebSocket?: WebSocketConstructor;
  /** The mainline DHT wire for `discovery: "dht"` (Node only: UDP and TCP sockets). */
  readonly dhtWire?: DhtWireFactory;
}
