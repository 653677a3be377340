/**
 * The TURN server factory: composes configuration, credentials, state, data plane, dispatch, listeners, metrics
 * and the admin server. Nothing listens until `start()`; `close()` stops everything it opened.
 */
import { readFileSync } from "node:fs";
import {
  Health,
  KeyedRateLimiter,
  createAdminServer,
  createMetricsRegistry,
  systemClock,
  type Clock,
  type Logger,
  type Registry,
} from "@switchboard/runtime";
import { Authenticator } from "./auth/authenticate.js";
import { CredentialStore } from "./auth/credentials.js";
import { NonceIssuer } from "./auth/nonce.js";
import { relayAddresses, type TurnConfig } from "./config.js";
import { DataPlane } from "./data-plane.js";
import { Dispatcher } from "./dispatch.js";
import { createTurnMetrics, type TurnMetrics } from "./metrics.js";
import { createPeerPolicy } from "./policy/peer-address.js";
import { AllocationManager } from "./state/allocation-manager.js";
import { FairShareLimiter } from "./state/fair-share.js";
import { PortPool } from "./state/port-pool.js";
import type { RelaySocketFactory } from "./state/relay-socket.js";
import type { TransportAddress } from "./state/types.js";
import { ConnectionGate } from "./transport/connection-gate.js";
import { StreamListener } from "./transport/stream-listener.js";
import { createUdpRelayFactory } from "./transport/udp-relay-factory.js";
import { UdpListener } from "./transport/udp-listener.js";

export { loadTurnConfig, turnConfigSpec, type TurnConfig } from "./config.js";

export interface TurnServerOptions {
  readonly config: TurnConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly registry?: Registry;
  readonly relayFactory?: RelaySocketFactory;
  /** Start the admin HTTP server (default true). */
  readonly admin?: boolean;
}

export interface TurnListeners {
  readonly udp: readonly TransportAddress[];
  readonly tcp: readonly TransportAddress[];
  readonly tls: readonly TransportAddress[];
  readonly admin: string | undefined;
}

export interface TurnServer {
  /** Bound addresses once `start()` has resolved. */
  readonly listeners: TurnListeners | undefined;
  readonly metrics: TurnMetrics;
  readonly registry: Registry;
  readonly allocations: AllocationManager;
  start(): Promise<TurnListeners>;
  /** Re-reads TURN_TLS_CERT/TURN_TLS_KEY for new TLS connections; allocations are untouched. */
  reloadTls(): void;
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 1000;
const STREAM_IDLE_MS = 600_000;
const STREAM_WRITE_BUFFER = 1 << 20;

export function createTurnServer(opts: TurnServerOptions): TurnServer {
  const { config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const registry = opts.registry ?? createMetricsRegistry();
  const health = new Health();
  // A throw out of the datagram path costs that datagram (see @switchboard/datagram), counted and logged here.
  const onHandlerError = (err: unknown): void => {
    metrics.dropped.inc({ reason: "handler_error" });
    logger.error({ err }, "datagram handler failed");
  };
  const policy = createPeerPolicy({ allowed: config.allowedPeerIps, denied: config.deniedPeerIps });
  const auth = new Authenticator(
    new CredentialStore({
      realm: config.realm,
      users: config.users,
      secrets: config.secrets,
      noUserQuota: config.restNoUserQuota,
      clock,
    }),
    new NonceIssuer({ lifetimeSeconds: config.nonceLifetime, clock }),
  );
  const allocations: AllocationManager = new AllocationManager({
    clock,
    relayFactory: opts.relayFactory ?? createUdpRelayFactory(config.udpIo, onHandlerError),
    relayEndpoints: relayAddresses(config),
    ports: new PortPool({ min: config.minPort, max: config.maxPort, clock }),
    maxAllocations: config.maxAllocations,
    userQuota: config.userQuota,
    bandwidth: new FairShareLimiter({
      clock,
      totalBytesPerSecond: config.relayBytesPerSecond,
      userBytesPerSecond: config.userBytesPerSecond,
      userBurstBytes: config.userBurstBytes,
      allocationBytesPerSecond: config.bytesPerSecond,
    }),
    maxPermissions: config.maxPermissions,
    maxChannels: config.maxChannels,
    onPeerData: (allocation, data, from) => dataPlane.fromPeer(allocation, data, from),
    onDeleted: (allocation, reason) =>
      logger.debug({ fiveTuple: allocation.key, reason }, "allocation deleted"),
  });
  const sum = (f: (a: { permissions: { size: number }; channels: { active: number } }) => number) => () => {
    let n = 0;
    for (const a of allocations.values()) n += f(a);
    return n;
  };
  const metrics = createTurnMetrics(registry, {
    allocations: () => allocations.size,
    permissions: sum((a) => a.permissions.size),
    channels: sum((a) => a.channels.active),
  });
  const dataPlane = new DataPlane({ allocations, policy, metrics });
  const dispatcher = new Dispatcher({
    ctx: {
      clock,
      allocations,
      policy,
      metrics,
      logger: logger.child({ component: "dispatch" }),
      lifetimes: { defaultSeconds: config.defaultLifetime, maxSeconds: config.maxLifetime },
    },
    auth,
    dataPlane,
    ...(config.unauthenticatedBytes > 0
      ? {
          unauthenticatedBytes: new KeyedRateLimiter(
            {
              capacity: 2 * config.unauthenticatedBytes,
              refillPerSecond: config.unauthenticatedBytes,
              maxKeys: 65_536,
            },
            clock,
          ),
        }
      : {}),
    ...(config.unauthenticatedRate > 0
      ? {
          unauthenticatedLimiter: new KeyedRateLimiter(
            {
              capacity: 2 * config.unauthenticatedRate,
              refillPerSecond: config.unauthenticatedRate,
              maxKeys: 65_536,
            },
            clock,
          ),
        }
      : {}),
    software: config.software ? "Switchboard TURN" : undefined,
    onClosed: (link) => {
      const allocation = allocations.get(link.key);
      if (allocation !== undefined) allocations.delete(allocation, "closed");
    },
  });

  const readTls = () =>
    config.tlsCert !== undefined && config.tlsKey !== undefined
      ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }
      : undefined;
  const udp = config.hosts.map(
    (host) => new UdpListener({ host, handler: dispatcher, backend: config.udpIo, onHandlerError }),
  );
  // One gate for every TCP and TLS listener: TURN_MAX_TCP_CONNECTIONS is the total of both.
  const gate = new ConnectionGate({
    maxTotal: config.maxTcpConnections,
    maxPerAddress: config.maxTcpConnectionsPerIp,
  });
  const streamCount = (transport: "tcp" | "tls") => () =>
    metrics.connections.set(
      { transport },
      (transport === "tcp" ? tcp : tls).reduce((n, l) => n + l.size, 0),
    );
  const stream = (transport: "tcp" | "tls", host: string, tls?: { cert: Buffer; key: Buffer }) =>
    new StreamListener({
      transport,
      host,
      handler: dispatcher,
      gate,
      firstRequestTimeoutMs: config.tcpFirstRequestTimeout * 1000,
      idleTimeoutMs: STREAM_IDLE_MS,
      maxWriteBuffer: STREAM_WRITE_BUFFER,
      ...(tls === undefined ? {} : { tls }),
      onCount: streamCount(transport),
      onRejected: (reason) => metrics.connectionsRejected.inc({ reason }),
    });
  const tcp = config.hosts.map((h) => stream("tcp", h));
  let tls: StreamListener[] = [];
  const admin =
    opts.admin === false
      ? undefined
      : createAdminServer({
          health,
          registry,
          logger,
          service: "turn",
          stats: () => ({ allocations: allocations.size }),
        });
  let sweeper: NodeJS.Timeout | undefined;
  let bound: TurnListeners | undefined;

  return {
    get listeners() {
      return bound;
    },
    metrics,
    registry,
    allocations,
    async start() {
      const credentials = readTls();
      tls = credentials === undefined ? [] : config.hosts.map((h) => stream("tls", h, credentials));
      for (const name of ["udp", "tcp", ...(tls.length > 0 ? ["tls"] : [])]) health.set(name, false);
      const listeners = {
        udp: await Promise.all(udp.map((l) => l.listen(config.port))),
        tcp: await Promise.all(tcp.map((l) => l.listen(config.port))),
        tls: await Promise.all(tls.map((l) => l.listen(config.tlsPort))),
      };
      for (const [name, bound] of Object.entries(listeners)) if (bound.length > 0) health.set(name, true);
      sweeper = setInterval(() => allocations.sweep(), SWEEP_INTERVAL_MS);
      sweeper.unref();
      const adminUrl =
        admin === undefined
          ? undefined
          : await admin.listen({ host: config.adminHost, port: config.adminPort });
      logger.info({ ...listeners, admin: adminUrl, relays: relayAddresses(config) }, "turn server listening");
      bound = { ...listeners, admin: adminUrl };
      return bound;
    },
    reloadTls() {
      const credentials = readTls();
      if (credentials === undefined) return;
      for (const l of tls) l.setSecureContext(credentials);
      logger.info("TLS certificate reloaded");
    },
    async close() {
      if (sweeper !== undefined) clearInterval(sweeper);
      await Promise.all([...udp, ...tcp, ...tls].map((l) => l.close()));
      allocations.closeAll();
      await admin?.close();
    },
  };
}
