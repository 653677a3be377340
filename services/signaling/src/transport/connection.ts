import type { ClientMessage, ServerMessage } from "@switchboard/protocol";
import { TokenBucket, type Clock, type Logger } from "@switchboard/runtime";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import { SignalingError, errorMessage } from "../errors.js";
import { handleHello, type HelloContext } from "../handlers/hello.js";
import {
  HANDLERS,
  relaySignal,
  type Handler,
  type HandlerContext,
  type SignalRequest,
} from "../handlers/index.js";
import type { Rooms } from "../core/rooms.js";
import type { Router } from "../core/router.js";
import type { SignalingMetrics } from "../metrics.js";
import { FrameRun, frameText, frameWire, type Outbound } from "../state/outbound.js";
import type { Session } from "../state/session-registry.js";
import { parseFrame } from "./parse-frame.js";
import { scanSignal } from "./scan-signal.js";
import { batchWrites, socketOf } from "./write-batcher.js";

export interface ConnectionDeps {
  readonly hello: HelloContext;
  readonly rooms: Rooms;
  readonly router: Router;
  readonly metrics: SignalingMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxFrameBytes: number;
  readonly rate: { readonly perSecond: number; readonly burst: number };
  /** Bytes queued on a socket beyond which the client is too slow and is cut off (it may resume). */
  readonly maxBufferedBytes: number;
  /** A session ended for good (bye, or cut off with no resume grace). */
  readonly onSessionEnd: (session: Session) => void;
  /** A resume took the session over from another connection still open: close that one. */
  readonly onTakeover: (session: Session, by: Connection) => void;
}

/** A request id near the start of an oversized frame, so the error can still name the request. */
const ID_NEAR_START = /"id"\s*:\s*"([^"\\]{1,64})"/;

/** Consecutive rate-limited frames after which the connection is closed. */
const RATE_STRIKES = 50;

/**
 * One WebSocket: frame limits, rate limit, parsing, then the dispatch table; messages are handled in order.
 * Knows the socket; handlers and state never do.
 */
export class Connection {
  readonly openedAt: number;
  session: Session | undefined;
  readonly #ws: WebSocket;
  readonly #socket: Socket | undefined;
  /** When activity was last noted, and whether frames or pongs came since (noted by `idleFor`, not per frame). */
  #lastSeen: number;
  #active = false;
  readonly #deps: ConnectionDeps;
  readonly #bucket: TokenBucket;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #ctx: HandlerContext | undefined;
  #strikes = 0;
  #ended = false;
  /** The protocol features the client asked for on the URL (`knownFeatures`). */
  readonly #features: ReadonlySet<string> | undefined;

  constructor(ws: WebSocket, deps: ConnectionDeps, features?: ReadonlySet<string>) {
    this.#ws = ws;
    this.#features = features;
    this.#socket = socketOf(ws);
    this.#deps = deps;
    this.openedAt = this.#lastSeen = deps.clock.now();
    this.#bucket = new TokenBucket(
      { capacity: deps.rate.burst, refillPerSecond: deps.rate.perSecond },
      deps.clock,
    );
    ws.on("message", (data, isBinary) => this.#onFrame(data, isBinary));
    ws.on("pong", () => (this.#active = true));
    ws.on("error", (err) => deps.logger.debug({ err }, "websocket error"));
  }

  /**
   * Sends one message (dropped if the socket is closing; cuts off clients that do not read). The frame goes
   * straight to the socket, whole (ws's sender would do the same in two writes: no compression is negotiated,
   * so it never queues), batched with the others of this event-loop turn.
   */
  send = (msg: Outbound): boolean => {
    const ws = this.#ws;
    const socket = this.#socket;
    if (ws.readyState !== ws.OPEN || socket?.destroyed === true) return false;
    if (socket === undefined) {
      for (const one of msg instanceof FrameRun ? msg.frames() : [msg]) ws.send(frameText(one));
    } else {
      batchWrites(socket);
      // A run in reused memory is given back once written (`RunSlabs`).
      if (msg instanceof FrameRun && msg.written !== undefined) socket.write(msg.wire, msg.written);
      else socket.write(frameWire(msg));
    }
    if (ws.bufferedAmount > this.#deps.maxBufferedBytes) {
      this.#deps.logger.warn({ session: this.session?.id }, "slow consumer cut off");
      this.close(1013, "slow consumer");
    }
    return true;
  };

  /** Milliseconds without a frame or pong from the client, as of `now`. */
  idleFor(now: number): number {
    if (this.#active) {
      this.#active = false;
      this.#lastSeen = now;
    }
    return now - this.#lastSeen;
  }

  ping(): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.ping();
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
    // Do not wait for a peer that never answers the close handshake.
    setTimeout(() => this.#ws.terminate(), 2000).unref();
  }

  terminate(): void {
    this.#ws.terminate();
  }

  /** The session ended by `bye`: rooms are left now and no resume is possible. */
  get ended(): boolean {
    return this.#ended;
  }

  #onFrame(data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    const { metrics } = this.#deps;
    this.#active = true;
    if (!this.#bucket.take()) {
      metrics.countMessage("any", "rate_limited");
      if (++this.#strikes >= RATE_STRIKES) this.close(1008, "rate limit");
      else if (this.#strikes === 1)
        this.send(errorMessage(new SignalingError("rate_limited", "too many messages, slow down")));
      return;
    }
    this.#strikes = 0;
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (buf.length > this.#deps.maxFrameBytes) {
      metrics.countMessage("any", "payload_too_large");
      const id = ID_NEAR_START.exec(buf.subarray(0, 256).toString("latin1"))?.[1];
      const error = new SignalingError(
        "payload_too_large",
        `frames are limited to ${this.#deps.maxFrameBytes} bytes`,
      );
      this.send(errorMessage(error, id));
      return;
    }
    if (isBinary) {
      metrics.countMessage("binary", "invalid_message");
      this.send(errorMessage(new SignalingError("invalid_message", "binary frames are not accepted")));
      return;
    }
    const text = buf.toString("utf8");
    // The relay's fast path: a plain `signal` recognized without the full parser.
    if (this.session !== undefined) {
      const signal = scanSignal(buf, text);
      if (signal !== undefined) {
        this.#signal(signal);
        return;
      }
    }
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      metrics.countMessage(parsed.type, parsed.error.code);
      this.send(errorMessage(parsed.error, parsed.id));
      return;
    }
    const msg = parsed.msg;
    if (this.session !== undefined) {
      if (msg.type === "signal") {
        const data = JSON.stringify(msg.data);
        this.#signal({ id: msg.id, roomId: msg.roomId, to: msg.to, data });
        return;
      }
      // Needs nothing shared: never waits behind requests that wait for Redis.
      if (msg.type === "ping") {
        void this.#handle(msg);
        return;
      }
    }
    // Other messages are handled in order: straight away when nothing is pending, else after the pending ones.
    if (this.#pending === 0) this.#track(this.#handle(msg));
    else this.#track(this.#queue.then(() => this.#handle(msg)));
  }

  /**
   * A `signal` goes out at once, whatever is pending (relays keep their order: local ones are synchronous, bus
   * publishes leave in order); it waits for the pending requests only when its sender is not in the room yet,
   * as it may depend on them (a `join` in flight).
   */
  #signal(req: SignalRequest): void {
    if (this.#pending > 0 && this.session?.rooms.has(req.roomId) !== true)
      this.#track(this.#queue.then(() => this.#relay(req)));
    else void this.#relay(req);
  }

  #track(result: Promise<void> | undefined): void {
    if (!result) return;
    this.#pending++;
    this.#queue = result.finally(() => this.#pending--);
  }

  /** Handles one message; synchronous when its handler is (local relay), else returns the pending work. */
  #handle(msg: ClientMessage): Promise<void> | undefined {
    if (this.#ended) return undefined;
    try {
      if (!this.session) return this.#hello(msg).catch((err: unknown) => this.#fail(msg.type, msg.id, err));
      const handler = HANDLERS[msg.type] as Handler<typeof msg.type>;
      const out = handler(this.#context(this.session), msg);
      if (out instanceof Promise) {
        return out.then(
          (reply) => this.#done(msg, reply),
          (err: unknown) => this.#fail(msg.type, msg.id, err),
        );
      }
      this.#done(msg, out);
    } catch (err) {
      this.#fail(msg.type, msg.id, err);
    }
    return undefined;
  }

  /** A `signal` from the fast path: as `#handle` would with `handleSignal`, without a parsed message. */
  #relay(req: SignalRequest): Promise<void> | undefined {
    if (this.#ended || !this.session) return undefined;
    try {
      const out = relaySignal(this.#context(this.session), req);
      if (out === undefined) this.#relayed(req.id);
      else
        return out.then(
          () => this.#relayed(req.id),
          (err: unknown) => this.#fail("signal", req.id, err),
        );
    } catch (err) {
      this.#fail("signal", req.id, err);
    }
    return undefined;
  }

  #relayed(id: string | undefined): void {
    if (id !== undefined) this.send({ v: 1, type: "ack", id });
    this.#deps.metrics.countMessage("signal", "ok");
  }

  async #hello(msg: ClientMessage): Promise<void> {
    if (msg.type !== "hello") throw new SignalingError("hello_required", "say hello first");
    const result = await handleHello(this.#deps.hello, msg, this.send, this.#features);
    this.session = result.session;
    if (result.tookOver) this.#deps.onTakeover(result.session, this);
    this.send(result.welcome);
    for (const m of result.missed) this.send(m);
    this.#deps.metrics.countMessage(msg.type, "ok");
  }

  #context(session: Session): HandlerContext {
    if (this.#ctx?.session !== session) {
      this.#ctx = {
        session,
        rooms: this.#deps.rooms,
        router: this.#deps.router,
        metrics: this.#deps.metrics,
        clock: this.#deps.clock,
        endSession: () => (this.#ended = true),
        failLater: (err, type, requestId) => this.#fail(type, requestId, err),
      };
    }
    return this.#ctx;
  }

  #done(msg: ClientMessage, reply: ServerMessage | undefined): void {
    const out = reply ?? (msg.id === undefined ? undefined : ({ v: 1, type: "ack", id: msg.id } as const));
    if (out) this.send(out);
    this.#deps.metrics.countMessage(msg.type, "ok");
    if (this.#ended && this.session) {
      this.#deps.onSessionEnd(this.session);
      this.close(1000, "bye");
    }
  }

  #fail(type: string, id: string | undefined, err: unknown): void {
    const code = err instanceof SignalingError ? err.code : "internal_error";
    if (code === "internal_error") this.#deps.logger.error({ err, type }, "handler failed");
    this.#deps.metrics.countMessage(type, code);
    this.send(errorMessage(err, id));
  }
}
