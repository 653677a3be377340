import type { DatagramBackend } from "@switchboard/datagram";
import { systemClock, type Clock, type Logger, type Registry } from "@switchboard/runtime";
import type { StunConfig } from "./config.js";
import { createDispatcher } from "./dispatch.js";
import type { Endpoint, ListenerLayout, Role } from "./nat-behavior.js";
import { layoutRoles, roleEndpoint } from "./nat-behavior.js";
import { StunMetrics } from "./metrics.js";
import { TcpListeners } from "./transport/tcp.js";
import { UdpListeners } from "./transport/udp.js";

/** Largest STUN message accepted over TCP; a Binding request is far smaller. */
export const MAX_TCP_FRAME_BYTES = 4096;
/** Replies queued for a TCP peer that does not read before reading from it pauses. */
export const MAX_TCP_QUEUED_BYTES = 64 * 1024;

/** Bound addresses per transport and RFC 5780 role (plain data: it also travels over cluster IPC). */
export interface StunAddresses {
  readonly udp: Partial<Record<Role, Endpoint>>;
  readonly tcp: Partial<Record<Role, Endpoint>>;
}

export interface StunServerOptions {
  config: StunConfig;
  logger: Logger;
  /** The registry the service's metrics register in. */
  registry: Registry;
  clock?: Clock;
  /** A cluster worker: its UDP ports are shared with the sibling workers (SO_REUSEPORT). */
  sharedPorts?: boolean;
}

export interface StunServer {
  /** Opens every listener; resolves with their addresses, rejects (with nothing left open) on failure. */
  listen(): Promise<StunAddresses>;
  /** Stops listening and closes every TCP connection. */
  close(): Promise<void>;
  addresses(): StunAddresses | undefined;
  /** TCP connections open now. */
  tcpConnections(): number;
  /** The UDP I/O in use: "native" (batched) or "dgram"; undefined before `listen()`. */
  udpBackend(): DatagramBackend | undefined;
}

/** The layout of listeners the configuration asks for (RFC 5780 roles when an alternate is set). */
export function layoutOf(config: StunConfig): ListenerLayout {
  const primary = { address: config.host, port: config.port };
  return config.altHost !== undefined && config.altPort !== 0
    ? { primary, alternate: { address: config.altHost, port: config.altPort } }
    : { primary };
}

/** The STUN service: UDP and TCP listeners in front of the Binding dispatcher. Nothing listens until `listen()`. */
export function createStunServer(opts: StunServerOptions): StunServer {
  const { config, logger } = opts;
  const metrics = new StunMetrics(opts.registry);
  const layout = layoutOf(config);
  const handle = createDispatcher({
    layout,
    software: config.software,
    rateLimit:
      config.rateLimitPerSecond > 0
        ? {
            capacity: config.rateLimitBurst,
            refillPerSecond: config.rateLimitPerSecond,
            maxKeys: config.rateLimitMaxSources,
          }
        : undefined,
    replyBytes:
      config.rateLimitBytesPerSecond > 0
        ? {
            capacity: 2 * config.rateLimitBytesPerSecond,
            refillPerSecond: config.rateLimitBytesPerSecond,
            maxKeys: config.rateLimitMaxSources,
          }
        : undefined,
    clock: opts.clock ?? systemClock,
    logger: logger.child({ component: "dispatch" }),
  });
  let udp: UdpListeners | undefined;
  let tcp: TcpListeners | undefined;
  let addresses: StunAddresses | undefined;

  const bindsFor = (port?: number): Map<Role, Endpoint> => {
    const binds = new Map<Role, Endpoint>();
    for (const role of layoutRoles(layout)) {
      const e = roleEndpoint(layout, role);
      binds.set(role, role === "PP" && port !== undefined ? { address: e.address, port } : e);
    }
    return binds;
  };
  const toRecord = (m: ReadonlyMap<Role, Endpoint>): Partial<Record<Role, Endpoint>> => Object.fromEntries(m);

  /** Opens UDP, then TCP; on failure nothing stays open. */
  const openListeners = async (): Promise<void> => {
    const u = await UdpListeners.open({
      binds: bindsFor(),
      handle,
      metrics,
      logger,
      bufferBytes: config.udpBufferBytes,
      backend: config.udpIo,
      shared: opts.sharedPorts === true,
    });
    try {
      if (config.tcp) {
        tcp = await TcpListeners.open({
          binds: bindsFor(config.port === 0 ? u.addresses().get("PP")?.port : undefined),
          handle,
          metrics,
          logger,
          idleTimeoutMs: config.tcpIdleTimeoutMs,
          maxConnections: config.tcpMaxConnections,
          maxFrameBytes: MAX_TCP_FRAME_BYTES,
          maxQueuedBytes: MAX_TCP_QUEUED_BYTES,
        });
      }
    } catch (err) {
      u.close();
      throw err;
    }
    udp = u;
  };

  return {
    async listen() {
      // With port 0, TCP takes the port UDP was given so that one number serves both; that port may already be
      // some TCP socket's, so a few fresh ports are tried.
      for (let attempt = 1; ; attempt++) {
        try {
          await openListeners();
          break;
        } catch (err) {
          const retry =
            config.port === 0 && (err as NodeJS.ErrnoException).code === "EADDRINUSE" && attempt < 5;
          if (!retry) throw err;
        }
      }
      addresses = {
        udp: toRecord(udp?.addresses() ?? new Map()),
        tcp: toRecord(tcp?.addresses() ?? new Map()),
      };
      logger.info({ addresses, udpIo: udp?.backend() }, "stun listening");
      return addresses;
    },
    async close() {
      udp?.close();
      await tcp?.close();
      udp = undefined;
      tcp = undefined;
    },
    addresses: () => addresses,
    tcpConnections: () => tcp?.connectionCount ?? 0,
    udpBackend: () => udp?.backend(),
  };
}
