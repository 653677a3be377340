import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { FEATURE_PEER_JOINED_OFFER, requestedFeatures } from "@switchboard/protocol";
import type { Clock, Logger } from "@switchboard/runtime";
import type { SignalingMetrics } from "../metrics.js";
import { Connection, type ConnectionDeps } from "./connection.js";

/** The features this server implements (`FEATURES_PARAM`); any other name a client asks for is ignored. */
const SUPPORTED = [FEATURE_PEER_JOINED_OFFER];

/** The supported features the upgrade request's URL asks for. */
function knownFeatures(url: string): ReadonlySet<string> {
  const asked = url.includes("?") ? requestedFeatures(url) : undefined;
  return new Set(SUPPORTED.filter((f) => asked?.has(f) === true));
}

export interface WsServerOptions {
  readonly server: Server;
  readonly path: string;
  readonly deps: ConnectionDeps;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: SignalingMetrics;
  readonly idleTimeoutMs: number;
  readonly helloTimeoutMs: number;
  /** Hard cap on a frame (ws closes with 1009 beyond it); frames between the limit and this get an error. */
  readonly maxPayload: number;
  /** A connection closed; its session (if any) is cut off. */
  readonly onClose: (conn: Connection) => void;
}

/**
 * WebSocket endpoint on the HTTP server's upgrade event (`noServer`), plus one sweep timer for every
 * connection: heartbeat pings, idle and hello time-outs.
 */
export class WsServer {
  readonly #wss: WebSocketServer;
  readonly #conns = new Set<Connection>();
  readonly #opts: WsServerOptions;
  readonly #timer: NodeJS.Timeout;
  readonly #onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

  constructor(opts: WsServerOptions) {
    this.#opts = opts;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayload,
      perMessageDeflate: false,
    });
    this.#onUpgrade = (req, socket, head) => {
      const path = (req.url ?? "").split("?")[0];
      if (path !== opts.path) {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
        return;
      }
      const features = knownFeatures(req.url ?? "");
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, features));
    };
    opts.server.on("upgrade", this.#onUpgrade);
    const every = Math.max(250, Math.min(opts.idleTimeoutMs, opts.helloTimeoutMs) / 4);
    this.#timer = setInterval(() => this.#sweep(), every);
    this.#timer.unref();
  }

  get size(): number {
    return this.#conns.size;
  }

  /** Closes the other connections holding a session (after a resume took it over). */
  closeOthers(sessionId: string, keep: Connection): void {
    for (const conn of this.#conns) {
      if (conn !== keep && conn.session?.id === sessionId) {
        conn.session = undefined;
        conn.close(4001, "session resumed on another connection");
      }
    }
  }

  #accept(ws: WebSocket, features: ReadonlySet<string>): void {
    const conn = new Connection(ws, this.#opts.deps, features);
    this.#conns.add(conn);
    this.#opts.metrics.connections.inc();
    this.#opts.metrics.connectionsTotal.inc();
    ws.on("close", () => {
      this.#conns.delete(conn);
      this.#opts.metrics.connections.dec();
      this.#opts.onClose(conn);
    });
  }

  #sweep(): void {
    const now = this.#opts.clock.now();
    const { idleTimeoutMs, helloTimeoutMs } = this.#opts;
    for (const conn of this.#conns) {
      const idle = conn.idleFor(now);
      if (!conn.session && now - conn.openedAt > helloTimeoutMs) conn.close(1008, "hello timeout");
      else if (idle > idleTimeoutMs) conn.terminate();
      else if (idle > idleTimeoutMs / 3) conn.ping();
    }
  }

  /** Closes every connection (shutdown); sessions are cut off as on any disconnect. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#opts.server.off("upgrade", this.#onUpgrade);
    for (const conn of this.#conns) conn.close(1001, "server shutting down");
    const deadline = Date.now() + 2000;
    while (this.#conns.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const conn of this.#conns) conn.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
