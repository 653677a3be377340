/**
 * TCP and TLS listeners (RFC 8656 §3.1, §12.5): each connection is one 5-tuple, framed by the codec's stream
 * framer (STUN by length, ChannelData padded to 4 bytes, channels in the relay's RFC 5766 range). Frames and
 * buffers are bounded; a bad frame, an idle connection or too many connections close the socket. Closing a connection ends its allocation.
 * Admission goes through a gate shared by every TCP and TLS listener (a total and a per-address cap, checked on
 * the raw TCP connection, before any TLS handshake), and a new connection must carry an authenticated request
 * within `firstRequestTimeoutMs` (TLS: after a handshake bounded by the same time) or it is closed.
 */
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import {
  createServer as createTlsServer,
  type SecureContextOptions,
  type Server as TlsServer,
} from "node:tls";
import { StreamFramer } from "@switchboard/stun-codec";
import { CHANNEL_RANGE } from "../channel-range.js";
import {
  fiveTupleKey,
  type ClientLink,
  type ClientTransport,
  type TransportAddress,
} from "../state/types.js";
import type { ConnectionGate, GateRefusal } from "./connection-gate.js";
import type { PacketHandler } from "./packet-handler.js";

export interface StreamListenerOptions {
  readonly transport: Exclude<ClientTransport, "udp">;
  readonly host: string;
  readonly handler: PacketHandler;
  /** Shared by all TCP and TLS listeners of the server. */
  readonly gate: ConnectionGate;
  /** A new connection without an authenticated request after this long is closed. */
  readonly firstRequestTimeoutMs: number;
  /** Connections with no traffic for this long are closed. */
  readonly idleTimeoutMs: number;
  /** Pending outbound bytes beyond which frames to this client are dropped (slow reader). */
  readonly maxWriteBuffer: number;
  readonly tls?: SecureContextOptions;
  readonly onCount?: (open: number) => void;
  /** A connection refused by the gate, or closed for sending no authenticated request in time. */
  readonly onRejected?: (reason: GateRefusal | "first_request_timeout") => void;
}

const addressOf = (address: string | undefined, port: number | undefined, family: string | undefined) =>
  ({ address: address ?? "", port: port ?? 0, family: family === "IPv6" ? 6 : 4 }) as TransportAddress;

export class StreamListener {
  readonly #server: Server | TlsServer;
  readonly #sockets = new Set<Socket>();
  readonly #o: StreamListenerOptions;

  constructor(opts: StreamListenerOptions) {
    this.#o = opts;
    this.#server =
      opts.transport === "tls"
        ? createTlsServer({ ...opts.tls, handshakeTimeout: opts.firstRequestTimeoutMs }, (socket) =>
            this.#accept(socket),
          )
        : createTcpServer({ noDelay: true });
    // Admission first, on the raw connection (before the TLS server wraps it).
    this.#server.prependListener("connection", (raw: Socket) => this.#admit(raw));
    if (opts.transport === "tcp")
      this.#server.on("connection", (socket: Socket) => {
        if (!socket.destroyed) this.#accept(socket);
      });
    this.#server.on("error", () => {});
    if (opts.transport === "tls")
      this.#server.on("tlsClientError", (_err, socket: Socket) => socket.destroy());
  }

  listen(port: number): Promise<TransportAddress> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(
        { port, host: this.#o.host, ...(this.#o.host.includes(":") ? { ipv6Only: true } : {}) },
        () => {
          this.#server.off("error", reject);
          const a = this.#server.address();
          if (a === null || typeof a === "string") return reject(new Error("no address"));
          resolve(addressOf(a.address, a.port, a.family));
        },
      );
    });
  }

  /** Replaces the TLS certificate and key for new connections; open ones (and their allocations) stay. */
  setSecureContext(options: SecureContextOptions): void {
    if (this.#o.transport === "tls") (this.#server as TlsServer).setSecureContext(options);
  }

  /** Open connections of this listener (TLS: handshake done). */
  get size(): number {
    return this.#sockets.size;
  }

  #admit(raw: Socket): void {
    const ip = raw.remoteAddress ?? "";
    const refused = this.#o.gate.admit(ip);
    if (refused !== undefined) {
      this.#o.onRejected?.(refused);
      raw.on("error", () => {});
      raw.destroy();
      return;
    }
    raw.once("close", () => this.#o.gate.release(ip));
  }

  #accept(socket: Socket): void {
    const o = this.#o;
    if (socket.destroyed) return;
    this.#sockets.add(socket);
    o.onCount?.(this.#sockets.size);
    socket.setNoDelay(true);
    socket.setTimeout(o.idleTimeoutMs, () => socket.destroy());
    let deadline: NodeJS.Timeout | undefined = setTimeout(() => {
      o.onRejected?.("first_request_timeout");
      socket.destroy();
    }, o.firstRequestTimeoutMs);
    deadline.unref();
    const remote = addressOf(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
    const local = addressOf(socket.localAddress, socket.localPort, socket.remoteFamily);
    const link: ClientLink = {
      transport: o.transport,
      remote,
      local,
      key: fiveTupleKey(o.transport, remote, local),
      stream: true,
      send(chunks) {
        if (socket.destroyed || socket.writableLength > o.maxWriteBuffer) return;
        for (const chunk of chunks) socket.write(chunk);
      },
      authenticated() {
        if (deadline === undefined) return;
        clearTimeout(deadline);
        deadline = undefined;
      },
    };
    // Holds at most one partial frame (≤ 65552 bytes) and throws StunDecodeError on bytes that start no frame.
    const framer = new StreamFramer(CHANNEL_RANGE);
    socket.on("data", (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = framer.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const frame of frames) o.handler.onPacket(link, frame);
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (deadline !== undefined) clearTimeout(deadline);
      this.#sockets.delete(socket);
      o.onCount?.(this.#sockets.size);
      o.handler.onClose(link);
    });
  }

  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
