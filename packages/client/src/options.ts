import type { SigningKeyPair } from "./crypto/signing.js";
import { parseBootstrap } from "./discovery/bootstrap.js";
import { checkTrackerUrls } from "./discovery/tracker-urls.js";
import { SwitchboardError } from "./errors.js";
import type { RtcImplementation } from "./peer/rtc.js";
import type { BackoffPolicy } from "./signaling/backoff.js";
import type { SignalingTransportFactory } from "./signaling/transport.js";
import type { WebSocketConstructor } from "./signaling/websocket.js";

/** Default of `directFirstMs`, ms. */
export const DEFAULT_DIRECT_FIRST_MS = 3000;

export interface ClientOptions {
  /** The signaling service's WebSocket (required unless `discovery` is "tracker" or "dht"). */
  readonly signalingUrl?: string;
  /** The meeting `discoverPeers()` joins when called without an argument. */
  readonly meetingCode?: string;
  /** Display name. */
  readonly name?: string;
  /** JWT for `hello`. */
  readonly token?: string;
  /** The host key `POST /api/meetings` returned: joining with it makes this client the meeting's host. */
  readonly hostKey?: string;
  /** WebRTC: browsers pass `globalThis`, Node passes `nodeRtc()`. */
  readonly rtc: RtcImplementation;
  /** Default: `rtc.WebSocket`, else `globalThis.WebSocket`. */
  readonly WebSocket?: WebSocketConstructor;
  /** Extra ICE servers, added to those from `welcome`. */
  readonly iceServers?: RTCIceServer[];
  readonly iceTransportPolicy?: "all" | "relay";
  /** ECDSA P-256 signed offers/answers; `keys` to bring your own pair (default: a fresh one). */
  readonly signing?: { readonly enabled: boolean; readonly keys?: SigningKeyPair };
  /** Connect to every peer found on joining (default true). */
  readonly autoConnect?: boolean;
  readonly backoff?: BackoffPolicy;
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /**
   * Direct first: when TURN is offered, a connection's first attempt gets only the STUN servers (ICE can only
   * hole punch), for this long, ms; if its data channel is not open by then (or ICE fails sooner) it is replaced
   * by one with TURN too. Without it ICE often nominates the relay pair although hole punching works. 0 turns it
   * off. Default {@link DEFAULT_DIRECT_FIRST_MS}; ignored with `iceTransportPolicy: "relay"`. A pair that needs
   * TURN connects about this much later.
   */
  readonly directFirstMs?: number;
  /**
   * Prepared connections (default true): a connection with its offer set is made while `join` is in flight, and
   * an answering one when a peer joins, so their set-up is off the first connection's critical path (about 4 ms
   * of ~25 in Chromium; unused ones are closed after 15 s). `false` makes every connection when it is needed.
   */
  readonly prepareConnections?: boolean;
  /**
   * How peers find each other: "signaling" (default, the signaling service), "tracker" (announce the meeting's
   * info-hash to WebSocket trackers, `trackerUrls`, and exchange offers/answers through them) or "dht" (Node:
   * the BitTorrent mainline DHT, `dhtBootstrap`). Without signaling, chat history, the lobby and host controls
   * are unavailable (see the README, "Discovery without signaling").
   */
  readonly discovery?: "signaling" | "tracker" | "dht";
  /** WebSocket trackers (ws:// or wss://) for `discovery: "tracker"`. */
  readonly trackerUrls?: readonly string[];
  /** DHT bootstrap nodes ("host:port") for `discovery: "dht"` (default: the public mainline routers). */
  readonly dhtBootstrap?: readonly string[];
  /** The signaling transport (default: the WebSocket session with the signaling service). */
  readonly signalingTransport?: SignalingTransportFactory;
}

/** Checks the options once, at construction; returns the WebSocket constructor to use. */
export function validateOptions(opts: ClientOptions): WebSocketConstructor {
  const discovery = opts.discovery ?? "signaling";
  if (!["signaling", "tracker", "dht"].includes(discovery))
    throw new SwitchboardError(
      "invalid_argument",
      `discovery must be signaling, tracker or dht, got ${discovery}`,
    );
  if (discovery === "signaling" && !opts.signalingTransport && !/^wss?:\/\//.test(opts.signalingUrl ?? ""))
    throw new SwitchboardError(
      "invalid_argument",
      `signalingUrl must be ws:// or wss://, got ${opts.signalingUrl}`,
    );
  try {
    if (discovery === "tracker") checkTrackerUrls(opts.trackerUrls ?? []);
    if (discovery === "dht") parseBootstrap(opts.dhtBootstrap ?? []);
  } catch (err) {
    throw new SwitchboardError("invalid_argument", err instanceof Error ? err.message : String(err));
  }
  if (discovery === "dht" && !opts.rtc.dhtWire)
    throw new SwitchboardError("invalid_argument", 'discovery "dht" needs Node: pass rtc: nodeRtc()');
  const direct = opts.directFirstMs;
  if (direct !== undefined && !(Number.isFinite(direct) && direct >= 0 && direct <= 10_000))
    throw new SwitchboardError(
      "invalid_argument",
      `directFirstMs must be a number of ms from 0 to 10000, got ${String(direct)}`,
    );
  const WebSocketImpl =
    opts.WebSocket ?? opts.rtc.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketImpl)
    throw new SwitchboardError("invalid_argument", "no WebSocket: pass one (Node: nodeRtc())");
  return WebSocketImpl;
}
