import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "@switchboard/runtime";
import { StreamFramer } from "@switchboard/stun-codec";
import { unmapAddress, type HandleInbound } from "../inbound.js";
import type { StunMetrics, TcpCloseReason } from "../metrics.js";
import type { Endpoint, Role } from "../nat-behavior.js";
import { bindCandidates, isFamilyUnavailable } from "./bind.js";

export interface TcpListenersOptions {
  binds: ReadonlyMap<Role, Endpoint>;
  handle: HandleInbound;
  metrics: StunMetrics;
  logger: Logger;
  /** A connection with no traffic this long is closed. */
  idleTimeoutMs: number;
  /** Connections served at once (per process); more are refused by the kernel backlog / closed at once. */
  maxConnections: number;
  /** Largest STUN message accepted over a stream. */
  maxFrameBytes: number;
  /** Replies queued for a peer that does not read: reading from it pauses above this many bytes. */
  maxQueuedBytes: number;
}

function listenServer(server: Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen({ host: address, port, ipv6Only: false }, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** STUN over TCP (RFC 5389 §7.2.2): many messages per connection, each answered on the same connection. */
export class TcpListeners {
  readonly #servers = new Map<Role, Server>();
  readonly #connections = new Set<Socket>();
  readonly #closeReasons = new WeakMap<Socket, TcpCloseReason>();
  readonly #opts: TcpListenersOptions;

  private constructor(opts: TcpListenersOptions) {
    this.#opts = opts;
  }

  static async open(opts: TcpListenersOptions): Promise<TcpListeners> {
    const listeners = new TcpListeners(opts);
    try {
      for (const [role, bind] of opts.binds) await listeners.#listen(role, bind);
    } catch (err) {
      await listeners.close();
      throw err;
    }
    return listeners;
  }

  addresses(): ReadonlyMap<Role, Endpoint> {
    const out = new Map<Role, Endpoint>();
    for (const [role, s] of this.#servers) {
      const a = s.address();
      if (a !== null && typeof a === "object") out.set(role, { address: a.address, port: a.port });
    }
    return out;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async close(): Promise<void> {
    const closing = [...this.#servers.values()].map(
      (s) => new Promise<void>((resolve) => s.close(() => resolve())),
    );
    for (const c of this.#connections) this.#end(c, "shutdown");
    this.#servers.clear();
    await Promise.all(closing);
  }

  async #listen(role: Role, bind: Endpoint): Promise<void> {
    let last: unknown;
    for (const c of bindCandidates(bind.address)) {
      const server = createServer({ noDelay: true }, (socket) => this.#serve(role, socket));
      server.maxConnections = this.#opts.maxConnections;
      server.on("error", (err) => this.#opts.logger.warn({ err, role }, "tcp listener error"));
      try {
        await listenServer(server, c.address, bind.port);
        this.#servers.set(role, server);
        return;
      } catch (err) {
        last = err;
        server.close();
        if (!isFamilyUnavailable(err)) throw err;
      }
    }
    throw last;
  }

  #end(socket: Socket, reason: TcpCloseReason): void {
    if (!this.#closeReasons.has(socket)) this.#closeReasons.set(socket, reason);
    socket.destroy();
  }

  #serve(role: Role, socket: Socket): void {
    const { handle, metrics, logger, maxQueuedBytes } = this.#opts;
    const framer = new StreamFramer(this.#opts.maxFrameBytes);
    const source = { address: unmapAddress(socket.remoteAddress ?? ""), port: socket.remotePort ?? 0 };
    this.#connections.add(socket);
    metrics.tcpOpened();
    socket.setTimeout(this.#opts.idleTimeoutMs, () => this.#end(socket, "idle"));
    socket.on("error", (err) => {
      logger.debug({ err }, "tcp connection error");
      this.#end(socket, "error");
    });
    // A peer that half-closes still gets its replies: without allowHalfOpen, Node ends our side once they are out.
    socket.on("end", () => {
      if (!this.#closeReasons.has(socket)) this.#closeReasons.set(socket, "peer");
    });
    socket.on("close", () => {
      this.#connections.delete(socket);
      metrics.tcpClosed(this.#closeReasons.get(socket) ?? "peer");
    });
    socket.on("drain", () => socket.resume());
    socket.on("data", (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = framer.push(chunk);
      } catch {
        // Bytes that start no STUN message, or a frame over the limit: the stream cannot be resynchronised.
        metrics.count("tcp", "dropped");
        this.#end(socket, "bad_frame");
        return;
      }
      for (const data of frames) {
        const outcome = handle({ data, transport: "tcp", source, role });
        metrics.count("tcp", outcome.result);
        if (outcome.reply) socket.write(outcome.reply.bytes);
      }
      // A peer that sends but does not read: stop reading until our replies drain (bounded memory).
      if (socket.writableLength > maxQueuedBytes) socket.pause();
    });
  }
}
