import type { Logger } from "@switchboard/runtime";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { authCommand, type RedisEndpoint } from "./redis-endpoint.js";
import { RespError, RespReader, type RespValue } from "./resp-reader.js";

/** A RESP command: `*n`, then each argument as a bulk string. */
export function encodeCommand(args: readonly (string | Uint8Array)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const bytes = typeof a === "string" ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), Buffer.from(bytes), Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

export interface RespConnectionOptions {
  readonly endpoint: RedisEndpoint;
  /** `CLIENT SETNAME` of the connection (shows in `CLIENT LIST`). */
  readonly name: string;
  readonly logger: Logger;
  /** Every reply after the connection's setup (AUTH, SETNAME), in order. */
  readonly onReply: (value: RespValue) => void;
  /** Set up and ready for commands (after each reconnection too). */
  readonly onReady: () => void;
  /** The connection was lost: replies to what was sent will never come. A reconnection follows. */
  readonly onClose: () => void;
  /** A connection attempt failed or a connection ended (ready or not). */
  readonly onDown?: () => void;
  /**
   * Bytes of the connection's one read buffer (default 16 KiB): every socket read goes into it (no new buffer
   * per read) and reads at most this much. The subscriber's is large enough for several bus batches per read.
   */
  readonly readBufferBytes?: number;
}

const CONNECT_TIMEOUT_MS = 2000;
/** Reconnection delay after the n-th failed attempt in a row, as the ioredis clients' `retryStrategy`. */
const retryDelay = (attempt: number) => Math.min(100 * attempt, 1000);

/**
 * One connection to Redis on a socket of our own (TCP, TLS for `rediss://`, or a Unix socket), for the bus's
 * hot paths: commands are written as bytes the caller built, replies read by `RespReader`. Authenticates and
 * names itself on every connection, reconnects by itself until `close`.
 */
export class RespConnection {
  readonly #o: RespConnectionOptions;
  #socket: Socket | undefined;
  #ready = false;
  #closed = false;
  #attempt = 0;
  #retry: NodeJS.Timeout | undefined;

  constructor(opts: RespConnectionOptions) {
    this.#o = opts;
  }

  get ready(): boolean {
    return this.#ready;
  }

  start(): void {
    if (this.#socket === undefined && !this.#closed) this.#connect();
  }

  /**
   * Writes bytes; the caller checks `ready` first (written while not ready, they are lost). `written` is called
   * once they are written (the socket holds no reference to them then); not after an error.
   */
  write(bytes: Uint8Array, written?: () => void): void {
    if (written === undefined) this.#socket?.write(bytes);
    else
      this.#socket?.write(bytes, (err) => {
        if (!err) written();
      });
  }

  /** Writes made until `uncork` go out in one system call. */
  cork(): void {
    this.#socket?.cork();
  }

  uncork(): void {
    this.#socket?.uncork();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#socket?.destroy();
  }

  #connect(): void {
    const e = this.#o.endpoint;
    const reader = new RespReader();
    const read = (bytes: Buffer): void => {
      try {
        reader.feed(bytes, onReply);
      } catch (err) {
        this.#o.logger.warn({ err }, "unreadable reply from redis");
        socket.destroy();
      }
    };
    // Plain sockets read into one buffer of the connection's (no new buffer per read): replies are read out of
    // it during the callback (`RespReader` copies the part of a reply it must keep for the next read).
    const readBuffer = e.tls ? undefined : Buffer.allocUnsafeSlow(this.#o.readBufferBytes ?? 16 * 1024);
    const onread = readBuffer && {
      buffer: readBuffer,
      callback: (n: number): boolean => {
        read(readBuffer.subarray(0, n));
        return true;
      },
    };
    const socket =
      e.path !== undefined
        ? netConnect({ path: e.path, onread })
        : e.tls
          ? tlsConnect({ host: e.host, port: e.port, servername: e.host })
          : netConnect({ host: e.host, port: e.port, onread });
    if (e.tls) socket.on("data", read);
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error("connect timeout")));
    const setup: string[][] = [["CLIENT", "SETNAME", this.#o.name]];
    const auth = authCommand(e);
    if (auth !== undefined) setup.unshift(auth);
    let waiting = setup.length;
    const onReply = (v: RespValue) => {
      if (waiting === 0) {
        this.#o.onReply(v);
        return;
      }
      if (v instanceof RespError) {
        this.#o.logger.warn({ err: v.message }, "redis refused the bus connection's setup");
        socket.destroy();
        return;
      }
      if (--waiting === 0) {
        this.#ready = true;
        this.#attempt = 0;
        this.#o.onReady();
      }
    };
    socket.on(e.tls ? "secureConnect" : "connect", () => {
      socket.setTimeout(0);
      socket.write(Buffer.concat(setup.map(encodeCommand)));
    });
    socket.on("error", (err: Error) =>
      this.#o.logger.debug({ err: err.message }, "redis bus connection error"),
    );
    socket.on("close", () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      const wasReady = this.#ready;
      this.#ready = false;
      if (wasReady) this.#o.onClose();
      this.#o.onDown?.();
      if (this.#closed) return;
      this.#retry = setTimeout(() => this.#connect(), retryDelay(++this.#attempt));
      this.#retry.unref();
    });
  }
}
