/**
 * The tracker's TCP front: announces and scrapes are answered on a lean HTTP/1.1 path (keep-alive, pipelining
 * answered in order, one write per reply); every other connection (admin routes, WebSocket upgrades) is handed
 * whole to node's HTTP server (fastify) before anything was read from it by us.
 */
import { createServer, type Server as NetServer, type Socket } from "node:net";
import type { Server as HttpServer } from "node:http";
import type { ClientAddress } from "./client-address.js";
import { MAX_URL_LENGTH, routeTrackerPath, type TrackerRequestHandler } from "./http-tracker.js";

/** Largest request head (request line + headers) accepted on the lean path. */
export const MAX_HEAD_BYTES = MAX_URL_LENGTH + 4096;
/** Most unanswered pipelined bytes held for one connection before it is dropped. */
export const MAX_PENDING_BYTES = 1 << 20;
/** Time allowed for a new connection's first request head. */
export const FIRST_REQUEST_TIMEOUT_MS = 10_000;
/** Idle keep-alive connections on the lean path are closed after this long. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface FrontServerOptions {
  handle: TrackerRequestHandler;
  /** The peer's address from the socket's and `X-Forwarded-For` (trusted proxies only). */
  clientAddress: ClientAddress;
  /** Where other connections go (fastify's server, with the WebSocket upgrade listener). */
  fallback: HttpServer;
  /** Answers a non-tracker GET met on a lean keep-alive connection (the admin routes, via fastify inject). */
  inject: (target: string) => Promise<{ status: number; type: string; body: Buffer }>;
}

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
};

function head(status: number, type: string, length: number, close: boolean): string {
  return (
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\ncontent-type: ${type}\r\ncontent-length: ${length}\r\n` +
    `cache-control: no-store\r\nconnection: ${close ? "close" : "keep-alive"}\r\n\r\n`
  );
}

/** First request head of a connection: is it a plain GET of a tracker path (not a WebSocket upgrade)? */
function isTrackerRequest(headText: string): boolean {
  if (!headText.startsWith("GET /") || /\r\nupgrade:/i.test(headText)) return false;
  const lineEnd = headText.indexOf("\r\n");
  const line = lineEnd < 0 ? headText : headText.slice(0, lineEnd);
  const end = line.indexOf(" ", 4);
  const target = line.slice(4, end < 0 ? undefined : end);
  const q = target.indexOf("?");
  return routeTrackerPath(q < 0 ? target : target.slice(0, q)) !== undefined;
}

class LeanConnection {
  #buf: Buffer = Buffer.alloc(0);
  #busy = false;
  #closing = false;
  readonly #socket: Socket;
  readonly #o: FrontServerOptions;
  readonly #address: string;

  constructor(socket: Socket, first: Buffer, o: FrontServerOptions) {
    this.#socket = socket;
    this.#o = o;
    this.#address = socket.remoteAddress ?? "";
    this.#buf = first;
    socket.setTimeout(KEEP_ALIVE_TIMEOUT_MS);
    socket.on("data", (chunk: Buffer) => {
      this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
      if (this.#buf.length > MAX_PENDING_BYTES) socket.destroy();
      else this.#pump();
    });
    this.#pump();
  }

  #send(status: number, type: string, body: Uint8Array, close: boolean): void {
    if (this.#socket.destroyed) return;
    const h = head(status, type, body.length, close);
    const out = Buffer.allocUnsafe(h.length + body.length);
    out.write(h, 0, "latin1");
    out.set(body, h.length);
    if (close) {
      this.#closing = true;
      this.#socket.end(out);
    } else this.#socket.write(out);
  }

  /** Answers complete requests in order; one at a time so replies keep their order. */
  #pump(): void {
    while (!this.#busy && !this.#closing) {
      const end = this.#buf.indexOf("\r\n\r\n");
      if (end < 0) {
        if (this.#buf.length > MAX_HEAD_BYTES) this.#send(431, "text/plain", Buffer.alloc(0), true);
        return;
      }
      const text = this.#buf.toString("latin1", 0, end);
      this.#buf = this.#buf.subarray(end + 4);
      const lineEnd = text.indexOf("\r\n");
      const [method, target, version] = (lineEnd < 0 ? text : text.slice(0, lineEnd)).split(" ");
      const headers = lineEnd < 0 ? "" : text.slice(lineEnd).toLowerCase();
      const close =
        version === "HTTP/1.0"
          ? !/\r\nconnection:[^\r]*keep-alive/.test(headers)
          : /\r\nconnection:[^\r]*close/.test(headers);
      if (
        target === undefined ||
        !version?.startsWith("HTTP/1.") ||
        /\r\n(content-length:\s*[1-9]|transfer-encoding:|upgrade:)/.test(headers)
      ) {
        this.#send(400, "text/plain", Buffer.alloc(0), true);
        return;
      }
      if (method !== "GET") {
        this.#send(405, "text/plain", Buffer.alloc(0), close);
        continue;
      }
      const forwarded = headers.includes("\r\nx-forwarded-for:")
        ? /\r\nx-forwarded-for:\s*([^\r]*)/.exec(headers)?.[1]
        : undefined;
      const reply = this.#o.handle(target, this.#o.clientAddress(this.#address, forwarded));
      this.#busy = true;
      // One `then` with both handlers per request: this is the hot path.
      const next = (status: number, type: string, body: Uint8Array, closeAfter: boolean): void => {
        this.#busy = false;
        this.#send(status, type, body, closeAfter);
        this.#pump();
      };
      const failed = (): void => next(503, "text/plain", Buffer.alloc(0), true);
      if (reply) reply.then((body) => next(200, "text/plain", body, close), failed);
      else this.#o.inject(target).then((r) => next(r.status, r.type, r.body, close), failed);
    }
  }
}

/**
 * A TCP server whose connections start on the lean tracker path when their first request line is a tracker
 * GET; otherwise the connection (with the bytes already read put back) goes to `fallback`.
 */
export function createFrontServer(o: FrontServerOptions): NetServer {
  return createServer({ noDelay: true }, (socket) => {
    socket.on("error", () => socket.destroy());
    const onTimeout = (): void => {
      socket.destroy();
    };
    socket.setTimeout(FIRST_REQUEST_TIMEOUT_MS);
    socket.on("timeout", onTimeout);
    let first: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      first = first.length === 0 ? chunk : Buffer.concat([first, chunk]);
      const headEnd = first.indexOf("\r\n\r\n");
      if (headEnd < 0 && first.length < MAX_HEAD_BYTES) return;
      socket.off("data", onData);
      if (headEnd >= 0 && isTrackerRequest(first.toString("latin1", 0, headEnd))) {
        new LeanConnection(socket, first, o);
        return;
      }
      // fastify's server sets its own timeouts; WebSocket connections may idle for long.
      socket.setTimeout(0);
      socket.off("timeout", onTimeout);
      socket.pause();
      socket.unshift(first);
      o.fallback.emit("connection", socket);
      socket.resume();
    };
    socket.on("data", onData);
  });
}
