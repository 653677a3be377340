import { once } from "node:events";
import type { AddressInfo, Socket } from "node:net";
import { fastify, type FastifyInstance } from "fastify";
import {
  createMetricsRegistry,
  fastifyLogging,
  Health,
  KeyedRateLimiter,
  registerAdminRoutes,
  systemClock,
  type Clock,
  type Logger,
  type Registry,
} from "@switchboard/runtime";
import { AccessPolicy } from "./access/access-policy.js";
import { loadAccessRules } from "./access/load-access-rules.js";
import type { TrackerConfig } from "./config.js";
import { TrackerCore, type AnnounceLimiter } from "./core/tracker-core.js";
import { TurnClock } from "./core/turn-clock.js";
import { createTrackerMetrics } from "./metrics.js";
import { createMemoryStore, type ChosenMemoryStore } from "./state/memory-store.js";
import { loadTrackerNative } from "./state/native-binding.js";
import { NativeRateLimiter } from "./state/native-rate-limiter.js";
import { NativeSwarmStore } from "./state/native-swarm-store.js";
import { RedisSwarmStore } from "./state/redis-swarm-store.js";
import type { SwarmStore } from "./state/swarm-store.js";
import { createClientAddress, trustedProxies } from "./transport/http/client-address.js";
import { createFrontServer } from "./transport/http/front-server.js";
import { createTrackerRequestHandler, routeTrackerPath } from "./transport/http/http-tracker.js";
import { ConnectionIds } from "./transport/udp/connection-ids.js";
import { UdpFastPath } from "./transport/udp/udp-fast-path.js";
import { UdpTracker } from "./transport/udp/udp-tracker.js";
import { WsTracker } from "./transport/websocket/ws-tracker.js";

export { loadTrackerConfig, trackerConfigFrom, trackerConfigSpec, type TrackerConfig } from "./config.js";

export interface TrackerDeps {
  logger: Logger;
  clock?: Clock;
  registry?: Registry;
}

export interface TrackerAddresses {
  readonly http: { readonly address: string; readonly port: number };
  readonly udp: { readonly address: string; readonly port: number } | undefined;
}

export interface TrackerServer {
  readonly app: FastifyInstance;
  readonly store: SwarmStore;
  readonly health: Health;
  readonly registry: Registry;
  /** The BEP 15 listener (undefined when UDP is off). */
  readonly udp: UdpTracker | undefined;
  /** Opens the HTTP/WebSocket and UDP listeners (after loading the access lists). */
  listen(): Promise<TrackerAddresses>;
  /** Re-reads the allow/deny list and passkey files; on failure the previous rules stay. */
  reloadAccess(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The swarm store: Redis when `REDIS_URL` is set, else the memory store `TRACKER_MEMORY_STORE` chooses (the C one
 * or the TypeScript one; the choice logged).
 */
function openStore(
  config: TrackerConfig,
  deps: { clock: Clock; logger: Logger; health: Health },
): ChosenMemoryStore | { readonly store: SwarmStore; readonly kind: "redis" } {
  if (config.redisUrl !== undefined)
    return {
      kind: "redis",
      store: new RedisSwarmStore({
        url: config.redisUrl,
        prefix: config.redisPrefix,
        peerTtlSeconds: config.peerTtl,
        clock: deps.clock,
        logger: deps.logger.child({ component: "redis" }),
        onStatus: (ok) => deps.health.set("redis", ok),
      }),
    };
  const memory = createMemoryStore(config.memoryStore, { clock: deps.clock, peerTtlSeconds: config.peerTtl });
  deps.logger.info(
    { store: memory.kind, choice: config.memoryStore, reason: memory.reason },
    `memory store: ${memory.kind === "native" ? "C (tracker addon)" : "TypeScript"}`,
  );
  return memory;
}

/** KeyedRateLimiter as the core's limiter: keyed by the address text. */
function textKeyed(keyed: KeyedRateLimiter): AnnounceLimiter {
  return { allow: (address) => keyed.allow(address) };
}

/** Builds the tracker (HTTP + WebSocket on one server, UDP beside it) without listening. */
export function createTrackerServer(config: TrackerConfig, deps: TrackerDeps): TrackerServer {
  // The system clock read once per turn (one read per batch of datagrams); an injected clock is used as given.
  const clock = deps.clock ?? new TurnClock(systemClock);
  const logger = deps.logger;
  const registry = deps.registry ?? createMetricsRegistry();
  const health = new Health();
  const chosen = openStore(config, { clock, logger, health });
  const store = chosen.store;
  const metrics = createTrackerMetrics(registry, () => store.totals());
  const access = new AccessPolicy({ mode: "open", hashes: new Set(), passkeys: new Set(config.passkeys) });
  // The per-address limiter: the C one when the addon is here (its buckets are also the UDP path in C's), else
  // KeyedRateLimiter; the same semantics either way.
  const native = loadTrackerNative().binding;
  const limits = {
    capacity: config.rateBurst,
    refillPerSecond: config.rateLimit,
    maxKeys: config.rateLimitAddresses,
  };
  const limiter =
    config.rateLimit <= 0
      ? undefined
      : native !== undefined
        ? new NativeRateLimiter(native, limits, clock)
        : textKeyed(new KeyedRateLimiter(limits, clock));
  const core = new TrackerCore({
    store,
    access,
    metrics,
    limiter,
    intervalSeconds: config.interval,
    minIntervalSeconds: config.minInterval,
    numwantDefault: config.numwantDefault,
    numwantMax: config.numwantMax,
    scrapeMax: config.scrapeMax,
    scrapeAll: config.scrapeAll,
  });
  const clientAddress = createClientAddress(trustedProxies(config.trustedProxies));
  const handleTracker = createTrackerRequestHandler({
    core,
    metrics,
    logger: logger.child({ component: "http" }),
  });
  const app = fastify({ ...fastifyLogging(logger.child({ component: "admin" })), keepAliveTimeout: 65_000 });
  // Tracker paths also on fastify, for connections that began with an admin request.
  for (const path of ["/announce", "/scrape", "/:passkey/announce", "/:passkey/scrape"]) {
    app.get(path, async (req, reply) => {
      const forwarded = req.headers["x-forwarded-for"];
      const address = clientAddress(
        req.socket.remoteAddress ?? "",
        Array.isArray(forwarded) ? forwarded.join(",") : forwarded,
      );
      const body = handleTracker(req.raw.url ?? "/", address);
      if (body === undefined) return reply.code(404).send();
      return reply
        .header("content-type", "text/plain")
        .header("cache-control", "no-store")
        .send(Buffer.from(await body));
    });
  }
  app.route({
    method: ["POST", "PUT", "DELETE", "PATCH"],
    url: "/*",
    handler: async (req, reply) => {
      const target = req.raw.url ?? "/";
      const q = target.indexOf("?");
      return reply.code(routeTrackerPath(q < 0 ? target : target.slice(0, q)) ? 405 : 404).send();
    },
  });
  const front = createFrontServer({
    handle: handleTracker,
    clientAddress,
    fallback: app.server,
    inject: async (target) => {
      const r = await app.inject({ method: "GET", url: target });
      return {
        status: r.statusCode,
        type: String(r.headers["content-type"] ?? "text/plain"),
        body: r.rawPayload,
      };
    },
  });
  const sockets = new Set<Socket>();
  front.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const ws = new WsTracker({
    core,
    metrics,
    logger: logger.child({ component: "websocket" }),
    maxOffers: config.wsMaxOffers,
    maxPayload: config.wsMaxPayload,
    maxSwarmsPerSocket: 100,
    clientAddress,
  });
  const connectionIds = new ConnectionIds(
    clock,
    config.udpSecret === undefined ? undefined : Buffer.from(config.udpSecret, "utf8"),
  );
  // Announces answered in C (native/udp-fast.c) when the store is the C one on the system clock; switched on only
  // while the core would serve every announce alike: no access rules, and no rate limiter or the native one (whose
  // buckets the C path spends too).
  const fastPath =
    config.udp && native !== undefined && store instanceof NativeSwarmStore && deps.clock === undefined
      ? new UdpFastPath({
          binding: native,
          store: store.nativeHandle,
          secret: connectionIds.secret,
          intervalSeconds: config.interval,
          numwantDefault: config.numwantDefault,
          numwantMax: config.numwantMax,
          limiter: limiter instanceof NativeRateLimiter ? limiter.handle : undefined,
        })
      : undefined;
  const udp = config.udp
    ? new UdpTracker({
        core,
        connectionIds,
        metrics,
        logger: logger.child({ component: "udp" }),
        backend: config.udpIo,
        bufferBytes: config.udpBufferBytes,
        fastPath,
        // A fast path exists only with the addon, whose limiter is then the core's (or there is none).
        fastPathAllowed: () => access.servesAll,
      })
    : undefined;
  registerAdminRoutes(app, {
    health,
    registry,
    service: "tracker",
    stats: () => ({
      ...store.totals(),
      store: chosen.kind,
      udpFastPath: udp?.fastPathActive ?? false,
      websocketConnections: ws.connections,
    }),
  });
  health.set("http", false);
  if (config.redisUrl !== undefined && !health.report().parts.redis) health.set("redis", false);
  if (udp) health.set("udp", false);
  let sweeper: NodeJS.Timeout | undefined;

  const reloadAccess = async (): Promise<void> => {
    access.replace(await loadAccessRules(config));
    udp?.refreshFastPath();
    const rules = access.rules;
    logger.info(
      { mode: rules.mode, hashes: rules.hashes.size, passkeys: rules.passkeys.size },
      "access rules loaded",
    );
  };

  return {
    app,
    store,
    health,
    registry,
    udp,
    reloadAccess,
    async listen() {
      await reloadAccess();
      ws.attach(app.server);
      await app.ready();
      front.listen(config.port, config.host);
      await once(front, "listening");
      const a = front.address() as AddressInfo;
      health.set("http", true);
      const udpAddress = udp ? await udp.listen(config.udpPort, config.host) : undefined;
      if (udp) health.set("udp", true);
      sweeper = setInterval(() => {
        Promise.resolve(store.sweep()).then(
          (n) => metrics.expired.inc(n),
          (err: unknown) => logger.warn({ err }, "sweep failed"),
        );
      }, config.sweepInterval * 1000);
      sweeper.unref();
      logger.info(
        { http: a.port, udp: udpAddress?.port, udpIo: udp?.backend, host: config.host },
        "tracker listening",
      );
      return { http: { address: a.address, port: a.port }, udp: udpAddress };
    },
    async close() {
      clearInterval(sweeper);
      await ws.close();
      await udp?.close();
      const closed = new Promise((resolve) => front.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
      await app.close();
      await store.close();
    },
  };
}
