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
  /** Client-reported peer connection outcomes by result and method (`none` when failed). */
  readonly peerConnections: Counter<"outcome" | "method" | "restart">;
  /** Client-reported time to set up a peer connection that succeeded, by method, seconds. */
  readonly peerConnectionSetup: Histogram<"method">;
  /** Counts one `report`. */
  observeConnectionReport(
    outcome: "connected" | "failed",
    method: string | undefined,
    setupSeconds: number,
    iceRestart: boolean,
  ): void;
  /** `messages.inc({type, result})` through a cache of label children (the relay's hot path). */
  countMessage(type: string, result: string): void;
  /** `sent.inc({type})`, cached likewise. */
  countSent(type: string, n?: number): void;
  /** `busMessages.inc({direction}, n)`, kept as a plain count until scraped (once per relay across instances). */
  countBus(direction: "in" | "out", n?: number): void;
  /** A relay starts: its start time when it is one of the `RELAY_SAMPLE` that are timed, else `NaN`. */
  startRelayTimer(): number;
  /** `relayLatency.observe({path}, seconds since started)` for a timed relay (`started` not `NaN`). */
  observeRelay(path: "local" | "bus", started: number): void;
}

function cached<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let child = cache.get(key);
    if (child === undefined) cache.set(key, (child = make(key)));
    return child;
  };
}

/** One relay in this many is timed for the latency histogram (a power of two). */
const RELAY_SAMPLE = 8;

export function createSignalingMetrics(registry: Registry): SignalingMetrics {
  const registers = [registry];
  const collectors: (() => void)[] = [];
  const collect = (): void => {
    for (const c of collectors) c();
  };
  const m = {
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
      collect,
    }),
    sent: new Counter({
      name: "signaling_sent_messages_total",
      help: "messages sent to clients by type",
      labelNames: ["type"] as const,
      registers,
      collect,
    }),
    relayLatency: new Histogram({
      name: "signaling_relay_latency_seconds",
      help: "signal relay time inside the service (local socket or bus publish); one relay in 8 is timed",
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
      collect,
    }),
    peerConnections: new Counter({
      name: "signaling_peer_connections_total",
      help: "peer connection outcomes reported by clients, by method (none when failed) and ICE restart",
      labelNames: ["outcome", "method", "restart"] as const,
      registers,
    }),
    peerConnectionSetup: new Histogram({
      name: "signaling_peer_connection_setup_seconds",
      help: "client-reported setup time of peer connections that succeeded, by method",
      labelNames: ["method"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
  };
  // Hot-path counts are kept in plain maps and handed to prom-client when it is scraped (`collect`).
  // `ok` results are kept by type alone (the relay's hot path: no key to build).
  const pendingOk = new Map<string, number>();
  const pendingMessages = new Map<string, number>();
  const pendingSent = new Map<string, number>();
  const pendingBus = { in: 0, out: 0 };
  const messageChild = cached((key) => {
    const [type = "", result = ""] = key.split(" ");
    return m.messages.labels({ type, result });
  });
  const sentChild = cached((type) => m.sent.labels({ type }));
  const relayChild = cached((path) => m.relayLatency.labels({ path }));
  const flush = (): void => {
    for (const [type, n] of pendingOk) messageChild(`${type} ok`).inc(n);
    for (const [key, n] of pendingMessages) messageChild(key).inc(n);
    pendingOk.clear();
    for (const [type, n] of pendingSent) sentChild(type).inc(n);
    pendingMessages.clear();
    pendingSent.clear();
    if (pendingBus.in > 0) m.busMessages.inc({ direction: "in" }, pendingBus.in);
    if (pendingBus.out > 0) m.busMessages.inc({ direction: "out" }, pendingBus.out);
    pendingBus.in = 0;
    pendingBus.out = 0;
  };
  collectors.push(flush);
  let relays = 0;
  return {
    ...m,
    observeConnectionReport: (outcome, method, setupSeconds, iceRestart) => {
      const connected = outcome === "connected";
      const label = connected && method !== undefined ? method : "none";
      m.peerConnections.inc({ outcome, method: label, restart: iceRestart ? "yes" : "no" });
      if (connected) m.peerConnectionSetup.observe({ method: label }, setupSeconds);
    },
    countMessage: (type, result) => {
      if (result === "ok") {
        pendingOk.set(type, (pendingOk.get(type) ?? 0) + 1);
        return;
      }
      const key = `${type} ${result}`;
      pendingMessages.set(key, (pendingMessages.get(key) ?? 0) + 1);
    },
    countSent: (type, n = 1) => pendingSent.set(type, (pendingSent.get(type) ?? 0) + n),
    countBus: (direction, n = 1) => {
      pendingBus[direction] += n;
    },
    startRelayTimer: () => ((relays++ & (RELAY_SAMPLE - 1)) === 0 ? performance.now() : NaN),
    observeRelay: (path, started) => {
      if (!Number.isNaN(started)) relayChild(path).observe((performance.now() - started) / 1000);
    },
  };
}
