import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { Logger } from "@switchboard/runtime";
import { unmapAddress, type HandleInbound } from "../inbound.js";
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
}

function bindSocket(address: string, family: 4 | 6, port: number, bufferBytes: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({
      type: family === 6 ? "udp6" : "udp4",
      ipv6Only: false,
      ...(bufferBytes > 0 && { recvBufferSize: bufferBytes, sendBufferSize: bufferBytes }),
    });
    const onError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once("error", onError);
    socket.bind({ address, port }, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

async function bindFirst(address: string, port: number, bufferBytes: number): Promise<Socket> {
  let last: unknown;
  for (const c of bindCandidates(address)) {
    try {
      return await bindSocket(c.address, c.family, port, bufferBytes);
    } catch (err) {
      last = err;
      if (!isFamilyUnavailable(err)) throw err;
    }
  }
  throw last;
}

/** The UDP sockets of the service, one per RFC 5780 role; replies may leave from another role's socket. */
export class UdpListeners {
  readonly #sockets = new Map<Role, Socket>();
  readonly #opts: UdpListenersOptions;

  private constructor(opts: UdpListenersOptions) {
    this.#opts = opts;
  }

  static async open(opts: UdpListenersOptions): Promise<UdpListeners> {
    const listeners = new UdpListeners(opts);
    try {
      for (const [role, bind] of opts.binds) {
        const socket = await bindFirst(bind.address, bind.port, opts.bufferBytes);
        listeners.#attach(role, socket);
      }
    } catch (err) {
      listeners.close();
      throw err;
    }
    return listeners;
  }

  /** The bound address of each role. */
  addresses(): ReadonlyMap<Role, Endpoint> {
    const out = new Map<Role, Endpoint>();
    for (const [role, s] of this.#sockets) {
      const a = s.address();
      out.set(role, { address: a.address, port: a.port });
    }
    return out;
  }

  close(): void {
    for (const s of this.#sockets.values()) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
    this.#sockets.clear();
  }

  #attach(role: Role, socket: Socket): void {
    const { handle, metrics, logger } = this.#opts;
    const log = logger.child({ component: "udp", role });
    // Sends take no callback (a callback per datagram costs measurably): send failures arrive as "error".
    socket.on("error", (err) => {
      metrics.sendError("udp");
      log.debug({ err }, "udp socket error");
    });
    socket.on("message", (data: Buffer, rinfo: RemoteInfo) => {
      const outcome = handle({
        data,
        transport: "udp",
        source: { address: unmapAddress(rinfo.address), port: rinfo.port },
        role,
      });
      metrics.count("udp", outcome.result);
      const reply = outcome.reply;
      if (reply === undefined) return;
      const from = reply.role === role ? socket : (this.#sockets.get(reply.role) ?? socket);
      from.send(reply.bytes, reply.port, rinfo.address);
    });
    this.#sockets.set(role, socket);
  }
}
