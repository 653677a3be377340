import type { Logger } from "@switchboard/runtime";
import { StoreUnavailableError } from "../errors.js";
import type { SignalingMetrics } from "../metrics.js";
import { BusBatchWriter } from "./bus-batch-writer.js";
import { BufferPool } from "./buffer-pool.js";
import type { RedisEndpoint } from "./redis-endpoint.js";
import { RespConnection } from "./resp-connection.js";
import { RespError, type RespValue } from "./resp-reader.js";
import type { BusMessage } from "./store.js";

/**
 * Run between `WATCH guard` and `MULTI`: past the deadline (ms on Redis's clock) it writes the guard key, so
 * that the transaction's `EXEC` is refused and nothing is published. Only this small script runs in Lua: the
 * batch never becomes a Lua string (Redis hashes every byte of one, and copies it in and out: a third of
 * Redis's CPU per message when the batch went through the script).
 */
export const GUARD_SCRIPT = `
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], 'late', 'PX', 60000)
  return -1
end
return 0
`;

export interface BusPublisherOptions {
  readonly endpoint: RedisEndpoint;
  readonly logger: Logger;
  readonly metrics: SignalingMetrics;
  /** The bus channel of an instance. */
  readonly channel: (instanceId: string) => string;
  /** A key of this publisher's own, watched by each publish's transaction (see `#command`). */
  readonly guardKey: string;
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
  /** Undefined: one of the commands before a publish's `EXEC` (their replies only tell of a misconfiguration). */
  readonly settle: Settle | undefined;
  readonly sentAt: number;
  readonly observe: (() => void) | undefined;
  settled: boolean;
}

/** Replies before a publish's `EXEC`: SET, WATCH, EVAL, MULTI, and PUBLISH's `QUEUED`. */
const STEPS = 5;
/** Room for the commands written in front of a batch (`#command`): the script, the channel, the key thrice. */
const headroom = (channel: string, guardKey: string) =>
  320 + GUARD_SCRIPT.length + channel.length + 3 * guardKey.length;
const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const EVAL_HEAD = `*5\r\n$4\r\nEVAL\r\n${bulk(GUARD_SCRIPT)}$1\r\n1\r\n`;
const EXEC = "\r\n*1\r\n$4\r\nEXEC\r\n";

/**
 * The bus's publishing side, on a connection of its own: the messages for one instance in one event-loop turn
 * are written as they come into one buffer (`BusBatchWriter`), which becomes the `PUBLISH` of a transaction
 * that Redis runs only before the batch's deadline (`#command`), its commands written in front of it in the
 * same buffer; the turn's commands leave in one socket write. `EXEC`'s replies settle each batch's callers in
 * order. A batch unanswered after `timeoutMs`, or whose connection closed, is answered `StoreUnavailableError`:
 * its deadline makes sure Redis will not publish it later.
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
  #warned = false;
  /** A `PUBLISH` Redis ran at once instead of queueing it (`MULTI` refused): its count, for the `EXEC` after it. */
  #ranAtOnce: number | undefined;

  constructor(opts: BusPublisherOptions) {
    this.#o = opts;
    this.#conn = new RespConnection({
      endpoint: opts.endpoint,
      name: "signaling-bus-pub",
      logger: opts.logger,
      onReply: (v) => this.#onReply(v),
      onReady: () => undefined,
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
        headroom(channel, this.#o.guardKey),
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

  /**
   * The batch wrapped, in place, in `SET guard 1 PXAT deadline`, `WATCH guard`, `EVAL <guard script> 1 guard
   * deadline`, `MULTI`, `PUBLISH channel batch`, `EXEC`. Redis refuses the `EXEC` (a null reply, nothing
   * published) when the guard key expired before it (Redis ≥ 6.0.9 checks a watched key's expiry at `EXEC`), or
   * when the script found the deadline past (it writes the key; a `SET` run after the deadline makes no key).
   */
  #command(b: OpenBatch): Buffer {
    const w = b.writer;
    const deadline = String(Math.round(this.#o.deadline()));
    const g = bulk(this.#o.guardKey);
    const d = bulk(deadline);
    const head =
      `*5\r\n$3\r\nSET\r\n${g}$1\r\n1\r\n$4\r\nPXAT\r\n${d}` +
      `*2\r\n$5\r\nWATCH\r\n${g}` +
      `${EVAL_HEAD}${g}${d}` +
      `*1\r\n$5\r\nMULTI\r\n` +
      `*3\r\n$7\r\nPUBLISH\r\n${bulk(b.channel)}$${w.end - w.start}\r\n`;
    w.reserve(EXEC.length);
    const buf = w.buffer;
    const from = w.start - head.length;
    if (from < 0) return Buffer.concat([Buffer.from(head, "latin1"), w.bytes(), Buffer.from(EXEC)]);
    buf.write(head, from, "latin1");
    buf.write(EXEC, w.end, "latin1");
    return buf.subarray(from, w.end + EXEC.length);
  }

  #send(command: Buffer, settle: Settle, written: () => void): void {
    const sentAt = Date.now();
    for (let i = 0; i < STEPS; i++)
      this.#inFlight.push({ settle: undefined, sentAt, observe: undefined, settled: false });
    const observe = this.#o.metrics.redisLatency.startTimer({ op: "publish" });
    this.#inFlight.push({ settle, sentAt, observe, settled: false });
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
      // The step right before `EXEC` is the `PUBLISH`: a count instead of `QUEUED` means it was published.
      if (typeof v === "number" && this.#inFlight[0]?.settle !== undefined) this.#ranAtOnce = v;
      // A step refused (e.g. an ACL without SET or MULTI): `EXEC`'s own reply still tells what happened.
      if (v instanceof RespError && !this.#warned) {
        this.#warned = true;
        this.#o.logger.warn({ err: v.message }, "redis refused a step of the bus publish");
      }
      return;
    }
    const ranAtOnce = this.#ranAtOnce;
    this.#ranAtOnce = undefined;
    if (f.settled) return; // given up on already: its deadline kept Redis from publishing it
    f.settled = true;
    f.observe?.();
    const receivers =
      Array.isArray(v) && v.length === 1
        ? v[0]
        : v instanceof RespError && ranAtOnce !== undefined
          ? ranAtOnce
          : v;
    if (typeof receivers === "number" && receivers >= 0) {
      this.#o.metrics.redisRoundTrips.inc({ op: "publish", result: "ok" });
      f.settle.resolve(receivers);
      return;
    }
    this.#o.metrics.redisRoundTrips.inc({ op: "publish", result: "error" });
    if (v instanceof RespError) this.#o.logger.debug({ err: v.message }, "bus publish refused");
    f.settle.reject(
      new StoreUnavailableError(v === null ? "Redis ran it too late; nothing was published" : undefined),
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
