import type { ClientOptions } from "../options.js";
import type { SignalingTransportFactory } from "../signaling/transport.js";
import type { WebSocketConstructor } from "../signaling/websocket.js";
import { DiscoverySession } from "./discovery-session.js";
import { TrackerWire } from "./tracker-wire.js";

/** The transport factory for `discovery: "tracker" | "dht"`; undefined for signaling (the default). */
export function discoveryTransport(
  opts: ClientOptions,
  WebSocket: WebSocketConstructor,
): SignalingTransportFactory | undefined {
  const mode = opts.discovery ?? "signaling";
  if (mode === "signaling") return undefined;
  const wire =
    mode === "tracker"
      ? new TrackerWire({ urls: opts.trackerUrls ?? [], WebSocket })
      : opts.rtc.dhtWire?.(opts.dhtBootstrap ? { bootstrap: opts.dhtBootstrap } : {});
  if (!wire) return undefined;
  return (s) =>
    new DiscoverySession({
      wire,
      ...(opts.name ? { name: opts.name } : {}),
      onMessage: s.onMessage,
      onState: s.onState,
    });
}
