import { randomBytes } from "node:crypto";
import cors from "@fastify/cors";
import { DEFAULT_MEETING_FEATURES, type MeetingSettings } from "@switchboard/protocol";
import {
  Health,
  createMetricsRegistry,
  fastifyLogging,
  registerAdminRoutes,
  systemClock,
  type Clock,
  type Logger,
  type Registry,
} from "@switchboard/runtime";
import { fastify, type FastifyInstance } from "fastify";
import { createTokenVerifier } from "./auth/token-verifier.js";
import { apiDocsEnabled, type SignalingConfig } from "./config.js";
import { Rooms } from "./core/rooms.js";
import { RoomSync } from "./core/room-sync.js";
import { Router } from "./core/router.js";
import { createSignalingMetrics } from "./metrics.js";
import { registerErrorHandler } from "./rest/error-handler.js";
import { createRouteRateLimit, rateLimitPlugin } from "./rest/create-rate-limit.js";
import { registerCompatRoutes } from "./rest/compat-routes.js";
import { createMeetingAccess } from "./rest/meeting-access.js";
import { registerMeetingsRoutes } from "./rest/meetings-routes.js";
import { registerOpenApi } from "./rest/openapi.js";
import { RoomView } from "./state/room-view.js";
import { SessionRegistry } from "./state/session-registry.js";
import { MemoryStore } from "./store/memory-store.js";
import { RedisStore } from "./store/redis-store.js";
import type { SignalingStore } from "./store/store.js";
import { WsServer } from "./transport/ws-server.js";

export { signalingConfigSpec, checkSignalingConfig, apiDocsEnabled, type SignalingConfig } from "./config.js";
export { MemoryStore, MemoryBackend } from "./store/memory-store.js";
export { RedisStore } from "./store/redis-store.js";
export type { SignalingStore } from "./store/store.js";

export interface SignalingServerOptions {
  readonly config: SignalingConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Defaults to Redis when `REDIS_URL` is set, else memory. */
  readonly store?: SignalingStore;
  readonly instanceId?: string;
  readonly registry?: Registry;
}

export interface SignalingServer {
  readonly app: FastifyInstance;
  readonly instanceId: string;
  readonly health: Health;
  /** Starts the store and listens on the configured host and port; returns `http://host:port`. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Builds the signaling service (HTTP API, WebSocket endpoint, admin routes); `listen()` opens the socket. */
export function createSignalingServer(opts: SignalingServerOptions): SignalingServer {
  const { config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const instanceId = opts.instanceId ?? randomBytes(6).toString("hex");
  const registry = opts.registry ?? createMetricsRegistry();
  const metrics = createSignalingMetrics(registry);
  const health = new Health();
  health.set("http", false);
  const store =
    opts.store ??
    (config.redisUrl
      ? new RedisStore({
          url: config.redisUrl,
          presenceTtlMs: config.presenceTtlMs,
          logger: logger.child({ component: "redis" }),
          metrics,
        })
      : new MemoryStore({ clock }));
  if (store.shared) health.set("redis", false, { critical: false, detail: "connecting" });

  const defaults: MeetingSettings = {
    maxParticipants: config.maxParticipants,
    requireApproval: false,
    allowedEmailDomains: [],
    locked: false,
    ...DEFAULT_MEETING_FEATURES,
  };
  const sessions = new SessionRegistry({
    clock,
    graceMs: config.resumeGraceMs,
    bufferSize: config.resumeBufferSize,
  });
  const view = new RoomView();
  const router = new Router({ instanceId, sessions, view, store, metrics, logger });
  const rooms = new Rooms({
    instanceId,
    store,
    view,
    router,
    sessions,
    clock,
    logger: logger.child({ component: "rooms" }),
    chatHistorySize: config.chatHistorySize,
    maxRoomsPerConnection: config.maxRoomsPerConnection,
    autoCreateRooms: config.autoCreateRooms,
    defaultSettings: defaults,
    meetingTtlMs: config.meetingTtl * 1000,
  });
  const sync = new RoomSync({ instanceId, store, view, router, rooms });
  const verifyToken = createTokenVerifier({
    jwtSecret: config.jwtSecret,
    jwtPublicKey: config.jwtPublicKey,
    audience: config.jwtAudience,
    issuer: config.jwtIssuer,
    allowAnonymous: config.allowAnonymous,
    now: () => clock.now(),
  });

  const app = fastify({
    ...fastifyLogging(logger.child({ component: "http" })),
    bodyLimit: 64 * 1024,
    // `req.ip`: the rightmost X-Forwarded-For address that is not a trusted proxy, else the socket's.
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
  });
  if (config.corsOrigins.length > 0) {
    void app.register(cors, { origin: config.corsOrigins.includes("*") ? true : [...config.corsOrigins] });
  }
  registerErrorHandler(app);
  registerAdminRoutes(app, {
    health,
    registry,
    service: "signaling",
    stats: () => ({
      instanceId,
      rooms: view.roomCount,
      sessions: sessions.size,
      resumableSessions: sessions.detached,
      connections: ws.size,
    }),
  });
  if (apiDocsEnabled(config)) registerOpenApi(app);
  void app.register(async (api) => {
    await api.register(rateLimitPlugin, { global: false });
    const meetings = {
      store,
      clock,
      defaults,
      meetingTtlMs: config.meetingTtl * 1000,
      access: createMeetingAccess({ store, verifyToken }),
      createLimit: createRouteRateLimit({ perMinute: config.meetingCreateLimit, verifyToken }),
    };
    registerMeetingsRoutes(api, { ...meetings, rooms });
    registerCompatRoutes(api, meetings);
  });

  const wsLogger = logger.child({ component: "ws" });
  const endSession = (session: { id: string }): void => {
    const s = sessions.get(session.id);
    if (!s) return;
    sessions.remove(s.id);
    void rooms.leaveAll(s, "left");
  };
  const ws = new WsServer({
    server: app.server,
    path: "/ws",
    clock,
    logger: wsLogger,
    metrics,
    idleTimeoutMs: config.idleTimeoutMs,
    helloTimeoutMs: config.helloTimeoutMs,
    maxPayload: Math.max(config.maxFrameBytes * 4, 256 * 1024),
    onClose: (conn) => {
      const s = conn.session;
      if (!s || conn.ended || sessions.get(s.id)?.sink !== conn.send) return;
      if (config.resumeGraceMs === 0) endSession(s);
      else sessions.detach(s.id);
    },
    deps: {
      hello: {
        verifyToken,
        sessions,
        clock,
        resumeGraceMs: config.resumeGraceMs,
        ice: {
          stunUrls: config.stunUrls,
          turnUrls: config.turnUrls,
          turnSecrets: config.turnSecret,
          ttlSeconds: config.turnCredentialTtl,
        },
        limits: {
          maxFrameBytes: config.maxFrameBytes,
          messagesPerSecond: config.rateLimitPerSecond,
          maxRooms: config.maxRoomsPerConnection,
          idleTimeoutMs: config.idleTimeoutMs,
        },
      },
      rooms,
      router,
      metrics,
      clock,
      logger: wsLogger,
      maxFrameBytes: config.maxFrameBytes,
      rate: { perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst },
      maxBufferedBytes: 4 * 1024 * 1024,
      onSessionEnd: endSession,
      onTakeover: (session, by) => ws.closeOthers(session.id, by),
    },
  });

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => Promise<unknown> | void): void => {
    const t = setInterval(
      () => void Promise.resolve(fn()).catch((err: unknown) => logger.warn({ err }, "periodic task failed")),
      ms,
    );
    t.unref();
    timers.push(t);
  };
  every(Math.max(100, Math.min(1000, config.resumeGraceMs / 4 || 1000)), async () => {
    for (const s of sessions.takeExpired()) await rooms.leaveAll(s, "disconnected");
    metrics.sessions.set(sessions.size);
    metrics.rooms.set(view.roomCount);
    metrics.peers.set(view.localCount(instanceId));
  });
  every(60_000, () => store.purgeExpired());
  // Every instance needs one heartbeat after Redis (re)connects before absent presences mean "crashed".
  let upSince = Number.POSITIVE_INFINITY;
  if (store.shared) {
    every(Math.max(250, Math.floor(config.presenceTtlMs / 3)), () =>
      store.isUp() && Date.now() - upSince > config.presenceTtlMs ? sync.reconcile() : undefined,
    );
  }
  store.onStatusChange((up) => {
    upSince = up ? Date.now() : Number.POSITIVE_INFINITY;
    health.set("redis", up, {
      critical: false,
      detail: up ? "connected" : "unreachable or not answering: cross-instance relay and REST unavailable",
    });
    if (up) {
      sync.reRegister().then(
        () => logger.info("presence re-registered after Redis came back"),
        (err: unknown) => logger.warn({ err }, "re-registration failed"),
      );
    }
  });

  return {
    app,
    instanceId,
    health,
    async listen() {
      await store.start(instanceId, (msg) => router.onBus(msg));
      const address = await app.listen({ host: config.host, port: config.port });
      health.set("http", true);
      logger.info({ address, instanceId, store: store.shared ? "redis" : "memory" }, "signaling listening");
      return address;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      health.set("http", false);
      await ws.close();
      for (const s of [...sessions.all()]) await rooms.leaveAll(s, "disconnected");
      await app.close();
      await store.close();
    },
  };
}
