import type { ClientOptions } from "../options.js";
import type { SignalingSessionOptions } from "../signaling/session.js";
import type { SignalingTransport } from "../signaling/transport.js";
import type { WebSocketConstructor } from "../signaling/websocket.js";
import { DiscoverySession } from "./discovery-session.js";
import { TrackerWire } from "./tracker-wire.js";

/**
 * The discovery transport for `discovery: "tracker" | "dht"`; undefined when the DHT wire is missing. Loaded
 * on demand by `deferred.ts` (keep static imports of this module out of the SDK's root).
 */
export function createDiscoveryTransport(
  opts: ClientOptions,
  WebSocket: WebSocketConstructor,
  s: SignalingSessionOptions,
): SignalingTransport | undefined {
  const wire =
    opts.discovery === "tracker"
      ? new TrackerWire({ urls: opts.trackerUrls ?? [], WebSocket })
      : opts.rtc.dhtWire?.(opts.dhtBootstrap ? { bootstrap: opts.dhtBootstrap } : {});
  if (!wire) return undefined;
  return new DiscoverySession({
    wire,
    ...(opts.name ? { name: opts.name } : {}),
    onMessage: s.onMessage,
    onState: s.onState,
  });
}
