import {
  openDatagramSocket,
  type DatagramBackend,
  type DatagramBackendChoice,
  type DatagramSocket,
} from "@switchboard/datagram";
import type { Logger } from "@switchboard/runtime";
import type { HandleInbound } from "../inbound.js";
import type { StunMetrics } from "../metrics.js";
import type { Endpoint, Role } from "../nat-behavior.js";
import { bindCandidates, isFamilyUnavailable } from "./bind.js";

export interface UdpListenersOptions {
  /** Bind address and port of each role ("" = all interfaces, dual-stack where possible). */
  binds: ReadonlyMap<Role, Endpoint>;
  handle: HandleInbound;
  metrics: StunMetrics;
  logger: Logger;
  /** SO_RCVBUF / SO_SNDBUF to ask for; 0 leaves the OS default. */
  bufferBytes: number;
  /** Batched native I/O or node:dgram (see @switchboard/datagram). */
  backend: DatagramBackendChoice;
  /** Share each port with sibling worker processes (SO_REUSEPORT, or the cluster's shared handle with dgram). */
  shared: boolean;
}

/** The UDP sockets of the service, one per RFC 5780 role; replies may leave from another role's socket. */
export class UdpListeners {
  readonly #sockets = new Map<Role, DatagramSocket>();
  readonly #opts: UdpListenersOptions;

  private constructor(opts: UdpListenersOptions) {
    this.#opts = opts;
  }

  static async open(opts: UdpListenersOptions): Promise<UdpListeners> {
    const listeners = new UdpListeners(opts);
    try {
      for (const [role, bind] of opts.binds) await listeners.#bind(role, bind);
    } catch (err) {
      listeners.close();
      throw err;
    }
    return listeners;
  }

  /** The bound address of each role. */
  addresses(): ReadonlyMap<Role, Endpoint> {
    const out = new Map<Role, Endpoint>();
    for (const [role, s] of this.#sockets) out.set(role, { address: s.address, port: s.port });
    return out;
  }

  /** Which I/O the sockets use ("native" or "dgram"). */
  backend(): DatagramBackend | undefined {
    return this.#sockets.values().next().value?.backend;
  }

  close(): void {
    for (const s of this.#sockets.values()) s.close();
    this.#sockets.clear();
  }

  /** Binds one role's socket: "" tries dual-stack "::" first, then 0.0.0.0. */
  async #bind(role: Role, bind: Endpoint): Promise<void> {
    const { handle, metrics, logger, bufferBytes, backend, shared } = this.#opts;
    const log = logger.child({ component: "udp", role });
    const sockets = this.#sockets;
    let last: unknown;
    for (const candidate of bindCandidates(bind.address)) {
      try {
        const socket: DatagramSocket = await openDatagramSocket({
          family: candidate.family,
          address: candidate.address,
          port: bind.port,
          reusePort: shared,
          recvBufferBytes: bufferBytes,
          sendBufferBytes: bufferBytes,
          backend,
          onSendError: () => {
            metrics.sendError("udp");
            log.debug("udp send refused");
          },
          onHandlerError: (err) => {
            metrics.count("udp", "handler_error");
            log.error({ err }, "datagram handler failed");
          },
          onMessage: (data, address, port) => {
            const outcome = handle({ data, transport: "udp", source: { address, port }, role });
            metrics.count("udp", outcome.result);
            const reply = outcome.reply;
            if (reply === undefined) return;
            const from = reply.role === role ? socket : (sockets.get(reply.role) ?? socket);
            from.send(reply.bytes, reply.port, address);
          },
        });
        sockets.set(role, socket);
        return;
      } catch (err) {
        last = err;
        if (!isFamilyUnavailable(err)) throw err;
      }
    }
    throw last;
  }
}
