import type { Logger } from "@switchboard/runtime";
import { createHash } from "node:crypto";
import { StoreUnavailableError } from "../errors.js";
import type { SignalingMetrics } from "../metrics.js";
import { BusBatchWriter } from "./bus-batch-writer.js";
import { BufferPool } from "./buffer-pool.js";
import type { RedisEndpoint } from "./redis-endpoint.js";
import { RespConnection, encodeCommand } from "./resp-connection.js";
import { RespError, type RespValue } from "./resp-reader.js";
import type { BusMessage } from "./store.js";

/**
 * PUBLISH only if Redis runs it before the deadline (ms on Redis's clock); returns the number of subscribers
 * that got it, or -1 when it came too late and nothing was published.
 */
export const PUBLISH_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now > tonumber(ARGV[3]) then return -1 end
return redis.call('PUBLISH', ARGV[1], ARGV[2])
`;
const SCRIPT_SHA = createHash("sha1").update(PUBLISH_SCRIPT).digest("hex");
const LOAD_SCRIPT = encodeCommand(["SCRIPT", "LOAD", PUBLISH_SCRIPT]);

export interface BusPublisherOptions {
  readonly endpoint: RedisEndpoint;
  readonly logger: Logger;
  readonly metrics: SignalingMetrics;
  /** The bus channel of an instance. */
  readonly channel: (instanceId: string) => string;
  /** The deadline a publish carries: ms on Redis's clock after which Redis drops it instead of publishing. */
  readonly deadline: () => number;
  /** How long a publish may wait for its answer before it is given up (`unavailable`). */
  readonly timeoutMs: number;
}

/** The batch of one instance being filled during this event-loop turn, and its callers' shared outcome. */
interface OpenBatch {
  readonly channel: string;
  readonly writer: BusBatchWriter;
  readonly done: Promise<number>;
  readonly settle: Settle;
}

interface Settle {
  resolve(receivers: number): void;
  reject(err: Error): void;
}

/** A command sent and not answered yet, in the order sent (Redis answers in that order). */
interface InFlight {
  /** Undefined: a `SCRIPT LOAD`. */
  readonly settle: Settle | undefined;
  readonly sentAt: number;
  readonly observe: (() => void) | undefined;
  settled: boolean;
}

const headroom = (channel: string) => 96 + channel.length;

/**
 * The bus's publishing side, on a connection of its own: the messages for one instance in one event-loop turn
 * are written as they come into one buffer (`BusBatchWriter`), which becomes one `EVALSHA` of the deadline
 * script with its RESP header written in front of it; the turn's commands leave in one socket write. Replies
 * (integers) settle each batch's callers in order. A batch unanswered after `timeoutMs`, or whose connection
 * closed, is answered `StoreUnavailableError`: its deadline makes sure Redis will not publish it later.
 */
export class BusPublisher {
  readonly #o: BusPublisherOptions;
  readonly #conn: RespConnection;
  readonly #open = new Map<string, OpenBatch>();
  readonly #inFlight: InFlight[] = [];
  /** The size of the last batch per instance: the next one starts with room for it. */
  readonly #lastSize = new Map<string, number>();
  /** Batch buffers, reused once written (see `BufferPool` for why). */
  readonly #buffers = new BufferPool();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: BusPublisherOptions) {
    this.#o = opts;
    this.#conn = new RespConnection({
      endpoint: opts.endpoint,
      name: "signaling-bus-pub",
      logger: opts.logger,
      onReply: (v) => this.#onReply(v),
      onReady: () => this.#send(LOAD_SCRIPT, undefined),
      onClose: () => this.#failInFlight(),
    });
  }

  get ready(): boolean {
    return this.#conn.ready;
  }

  start(): void {
    this.#conn.start();
  }

  close(): void {
    this.#conn.close();
    this.#failInFlight();
  }

  /**
   * Adds a message to this turn's batch for the instance; resolves with the number of subscribers that got the
   * batch, or rejects with `StoreUnavailableError` (then nothing of it was published, nor will be).
   */
  publish(instanceId: string, msg: BusMessage): Promise<number> {
    let batch = this.#open.get(instanceId);
    if (batch === undefined) {
      if (this.#open.size === 0) setImmediate(() => this.#flush());
      const channel = this.#o.channel(instanceId);
      let settle: Settle | undefined;
      const done = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
      const writer = new BusBatchWriter(
        this.#lastSize.get(instanceId) ?? 4096,
        headroom(channel),
        this.#buffers,
      );
      batch = { channel, writer, done, settle: settle! };
      this.#open.set(instanceId, batch);
    }
    batch.writer.append(msg);
    return batch.done;
  }

  /** Sends this turn's batches, one command each, in one socket write. */
  #flush(): void {
    const batches = [...this.#open];
    this.#open.clear();
    if (!this.#conn.ready) {
      const err = new StoreUnavailableError();
      for (const [, b] of batches) {
        this.#o.metrics.redisRoundTrips.inc({ op: "publish", result: "unavailable" });
        b.settle.reject(err);
      }
      return;
    }
    this.#conn.cork();
    for (const [instanceId, b] of batches) {
      this.#lastSize.set(instanceId, b.writer.end - b.writer.start);
      const command = this.#command(b);
      const buf = b.writer.buffer;
      this.#send(command, b.settle, () => this.#buffers.give(buf));
    }
    this.#conn.uncork();
  }

  /** The batch wrapped in its `EVALSHA sha 0 channel batch deadline` command, in place. */
  #command(b: OpenBatch): Buffer {
    const w = b.writer;
    const deadline = String(Math.round(this.#o.deadline()));
    const head =
      `*6\r\n$7\r\nEVALSHA\r\n$40\r\n${SCRIPT_SHA}\r\n$1\r\n0\r\n` +
      `$${b.channel.length}\r\n${b.channel}\r\n$${w.end - w.start}\r\n`;
    const tail = `\r\n$${deadline.length}\r\n${deadline}\r\n`;
    w.reserve(tail.length);
    const buf = w.buffer;
    const from = w.start - head.length;
    buf.write(head, from, "latin1");
    buf.write(tail, w.end, "latin1");
    return buf.subarray(from, w.end + tail.length);
  }

  #send(command: Buffer, settle: Settle | undefined, written?: () => void): void {
    const observe = settle && this.#o.metrics.redisLatency.startTimer({ op: "publish" });
    this.#inFlight.push({ settle, sentAt: Date.now(), observe, settled: false });
    this.#conn.write(command, written);
    this.#timer ??= setTimeout(() => this.#expire(), this.#o.timeoutMs);
  }

  #onReply(v: RespValue): void {
    const f = this.#inFlight.shift();
    if (f === undefined) {
      this.#o.logger.warn("reply from redis to no command");
      return;
    }
    if (f.settle === undefined) {
      if (v instanceof RespError) this.#o.logger.warn({ err: v.message }, "bus script not loaded");
      return;
    }
    if (f.settled) return; // given up on already: its deadline kept Redis from publishing it
    f.settled = true;
    f.observe?.();
    if (typeof v === "number" && v >= 0) {
      this.#o.metrics.redisRoundTrips.inc({ op: "publish", result: "ok" });
      f.settle.resolve(v);
      return;
    }
    this.#o.metrics.redisRoundTrips.inc({ op: "publish", result: "error" });
    if (v instanceof RespError && v.message.startsWith("NOSCRIPT")) this.#send(LOAD_SCRIPT, undefined);
    if (v instanceof RespError) this.#o.logger.debug({ err: v.message }, "bus publish refused");
    f.settle.reject(
      new StoreUnavailableError(
        typeof v === "number" ? "Redis answered too late; nothing was published" : undefined,
      ),
    );
  }

  /** Gives up on the publishes unanswered for `timeoutMs` (their replies, if any come, are skipped). */
  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const f of this.#inFlight) {
      if (f.settled) continue;
      const left = f.sentAt + this.#o.timeoutMs - now;
      if (left > 0) {
        this.#timer = setTimeout(() => this.#expire(), left);
        return;
      }
      this.#giveUp(f, "Redis did not answer in time");
    }
  }

  #failInFlight(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const f of this.#inFlight.splice(0)) this.#giveUp(f, undefined);
  }

  #giveUp(f: InFlight, message: string | undefined): void {
    if (f.settled) return;
    f.settled = true;
    if (f.settle === undefined) return;
    f.observe?.();
    this.#o.metrics.redisRoundTrips.inc({ op: "publish", result: "error" });
    f.settle.reject(new StoreUnavailableError(message));
  }
}
