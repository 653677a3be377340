import { Counter, Gauge, Histogram, type Registry } from "@switchboard/runtime";

/** The signaling service's own metrics (no room, peer or address labels). */
export interface SignalingMetrics {
  readonly connections: Gauge;
  readonly connectionsTotal: Counter;
  readonly sessions: Gauge;
  readonly rooms: Gauge;
  readonly peers: Gauge;
  /** Client messages by type (`invalid` when unparseable) and result (`ok` or an error code). */
  readonly messages: Counter<"type" | "result">;
  /** Messages sent to clients by type. */
  readonly sent: Counter<"type">;
  /** Time from receiving a `signal` to handing it to the target's socket or bus, seconds. */
  readonly relayLatency: Histogram<"path">;
  /** Redis commands by operation and result. */
  readonly redisRoundTrips: Counter<"op" | "result">;
  readonly redisLatency: Histogram<"op">;
  readonly busMessages: Counter<"direction">;
}

export function createSignalingMetrics(registry: Registry): SignalingMetrics {
  const registers = [registry];
  return {
    connections: new Gauge({ name: "signaling_connections", help: "open WebSocket connections", registers }),
    connectionsTotal: new Counter({
      name: "signaling_connections_total",
      help: "WebSocket connections accepted",
      registers,
    }),
    sessions: new Gauge({ name: "signaling_sessions", help: "sessions (connected or resumable)", registers }),
    rooms: new Gauge({ name: "signaling_rooms", help: "rooms with members on this instance", registers }),
    peers: new Gauge({ name: "signaling_peers", help: "room members connected to this instance", registers }),
    messages: new Counter({
      name: "signaling_messages_total",
      help: "client messages by type and result",
      labelNames: ["type", "result"] as const,
      registers,
    }),
    sent: new Counter({
      name: "signaling_sent_messages_total",
      help: "messages sent to clients by type",
      labelNames: ["type"] as const,
      registers,
    }),
    relayLatency: new Histogram({
      name: "signaling_relay_latency_seconds",
      help: "signal relay time inside the service (local socket or bus publish)",
      labelNames: ["path"] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    }),
    redisRoundTrips: new Counter({
      name: "signaling_redis_round_trips_total",
      help: "Redis operations by result",
      labelNames: ["op", "result"] as const,
      registers,
    }),
    redisLatency: new Histogram({
      name: "signaling_redis_latency_seconds",
      help: "Redis operation latency",
      labelNames: ["op"] as const,
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
      registers,
    }),
    busMessages: new Counter({
      name: "signaling_bus_messages_total",
      help: "messages between instances",
      labelNames: ["direction"] as const,
      registers,
    }),
  };
}
