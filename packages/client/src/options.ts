import type { SigningKeyPair } from "./crypto/signing.js";
import { SwitchboardError } from "./errors.js";
import type { RtcImplementation } from "./peer/rtc.js";
import type { BackoffPolicy } from "./signaling/backoff.js";
import type { SignalingTransportFactory } from "./signaling/transport.js";
import type { WebSocketConstructor } from "./signaling/websocket.js";

export interface ClientOptions {
  readonly signalingUrl: string;
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
  /** The signaling transport (default: the WebSocket session with the signaling service). */
  readonly signalingTransport?: SignalingTransportFactory;
}

/** Checks the options once, at construction; returns the WebSocket constructor to use. */
export function validateOptions(opts: ClientOptions): WebSocketConstructor {
  if (!/^wss?:\/\//.test(opts.signalingUrl))
    throw new SwitchboardError(
      "invalid_argument",
      `signalingUrl must be ws:// or wss://, got ${opts.signalingUrl}`,
    );
  const WebSocketImpl =
    opts.WebSocket ?? opts.rtc.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketImpl)
    throw new SwitchboardError("invalid_argument", "no WebSocket: pass one (Node: nodeRtc())");
  return WebSocketImpl;
}
