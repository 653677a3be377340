import { toHex } from "../bytes.js";
import type { BlockRef } from "../wire/frames.js";

/** Limits upload speed: a token bucket shared by every peer of a FileShare (for capped seeders and tests). */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #last = Date.now();

  constructor(bytesPerSecond: number, burstBytes = Math.max(64 * 1024, bytesPerSecond / 10)) {
    this.#rate = bytesPerSecond;
    this.#burst = burstBytes;
    this.#tokens = burstBytes;
  }

  async take(bytes: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
      this.#last = now;
      if (this.#tokens >= bytes) {
        this.#tokens -= bytes;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((bytes - this.#tokens) / this.#rate) * 1000)));
    }
  }
}

export interface UploadQueueOptions {
  /** Requests held for one peer at once; past this they are rejected as overloaded. */
  readonly maxQueued: number;
  /**
   * One block is served to one peer at most `maxRepeats` times within `repeatWindowMs` (defaults 3 and 10 s): a
   * downloader asks again only after a piece failed its hash (or a reject, cancel or its 20 s timeout), so
   * repeating a request cannot multiply what a peer gets.
   */
  readonly maxRepeats?: number;
  readonly repeatWindowMs?: number;
  /**
   * Requests served together, at most (asked before each serve: it may change once the peer's capabilities are
   * known). Default 1. Only requests of the same file, queued one after the other, go together.
   */
  readonly maxBatch?: () => number;
  /** Reads and sends the requested blocks (one frame); resolves when the channel accepted it. */
  readonly serve: (reqs: readonly BlockRef[]) => Promise<void>;
}

/** The last root seen and its hex: the spans of one `requests` frame share one root object. */
let lastRoot: Uint8Array | null = null;
let lastHex = "";
const rootHex = (root: Uint8Array): string => {
  if (root !== lastRoot) {
    lastHex = toHex(root);
    lastRoot = root;
  }
  return lastHex;
};
const key = (r: BlockRef): string => `${rootHex(r.root)}:${r.piece}:${r.offset}:${r.length}`;
const sameFile = (a: BlockRef, b: BlockRef): boolean => {
  if (a.root === b.root) return true;
  for (let i = 0; i < a.root.length; i++) if (a.root[i] !== b.root[i]) return false;
  return a.root.length === b.root.length;
};

/**
 * One peer's pending block requests, served one at a time in arrival order. Bounded: a peer that asks for
 * 10 000 blocks at once gets `maxQueued` of them queued and the rest refused, and costs other peers nothing more.
 */
export class UploadQueue {
  readonly #opts: UploadQueueOptions;
  readonly #queue = new Map<string, BlockRef>();
  readonly #served = new Map<string, { at: number; count: number }>();
  #running = false;
  #closed = false;

  constructor(opts: UploadQueueOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#queue.size;
  }

  /** Queues a request; false when the peer already has `maxQueued` waiting or was just sent that block. */
  push(req: BlockRef): boolean {
    if (this.#closed || this.#queue.size >= this.#opts.maxQueued) return false;
    const k = key(req);
    const seen = this.#served.get(k);
    if (
      seen &&
      Date.now() - seen.at < (this.#opts.repeatWindowMs ?? 10_000) &&
      seen.count >= (this.#opts.maxRepeats ?? 3)
    )
      return false;
    this.#queue.set(k, req);
    if (!this.#running) void this.#run();
    return true;
  }

  cancel(req: BlockRef): void {
    this.#queue.delete(key(req));
  }

  /** Drops queued requests matching a predicate (a file closed, a peer banned). */
  drop(match: (req: BlockRef) => boolean): void {
    for (const [k, r] of this.#queue) if (match(r)) this.#queue.delete(k);
  }

  close(): void {
    this.#closed = true;
    this.#queue.clear();
    this.#served.clear();
  }

  /** Counts serves per block within the repeat window; remembers the last 4 × maxQueued blocks served. */
  #noteServed(k: string): void {
    const now = Date.now();
    const seen = this.#served.get(k);
    const fresh = !seen || now - seen.at >= (this.#opts.repeatWindowMs ?? 10_000);
    this.#served.delete(k);
    this.#served.set(k, fresh ? { at: now, count: 1 } : { at: seen.at, count: seen.count + 1 });
    if (this.#served.size > 4 * this.#opts.maxQueued) this.#served.delete(this.#served.keys().next().value!);
  }

  /** The oldest request and those queued right after it for the same file, up to `maxBatch`. */
  #takeBatch(): [string, BlockRef][] {
    const max = Math.max(1, this.#opts.maxBatch?.() ?? 1);
    const batch: [string, BlockRef][] = [];
    for (const [k, req] of this.#queue) {
      if (batch.length > 0 && (batch.length >= max || !sameFile(batch[0][1], req))) break;
      batch.push([k, req]);
    }
    for (const [k] of batch) this.#queue.delete(k);
    return batch;
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (!this.#closed) {
        const batch = this.#takeBatch();
        if (batch.length === 0) break;
        try {
          await this.#opts.serve(batch.map(([, r]) => r));
          for (const [k] of batch) this.#noteServed(k);
        } catch {
          // a failed send means the channel is going away; its close handler cleans up
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
