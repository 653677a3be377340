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
  /** Reads and sends one block; resolves when the channel accepted it. */
  readonly serve: (req: BlockRef) => Promise<void>;
}

const key = (r: BlockRef): string => `${toHex(r.root)}:${r.piece}:${r.offset}:${r.length}`;

/**
 * One peer's pending block requests, served one at a time in arrival order. Bounded: a peer that asks for
 * 10 000 blocks at once gets `maxQueued` of them queued and the rest refused, and costs other peers nothing more.
 */
export class UploadQueue {
  readonly #opts: UploadQueueOptions;
  readonly #queue = new Map<string, BlockRef>();
  #running = false;
  #closed = false;

  constructor(opts: UploadQueueOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#queue.size;
  }

  /** Queues a request; false when the peer already has `maxQueued` waiting (the caller rejects it). */
  push(req: BlockRef): boolean {
    if (this.#closed || this.#queue.size >= this.#opts.maxQueued) return false;
    this.#queue.set(key(req), req);
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
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (!this.#closed) {
        const next = this.#queue.entries().next();
        if (next.done) break;
        const [k, req] = next.value;
        this.#queue.delete(k);
        try {
          await this.#opts.serve(req);
        } catch {
          // a failed send means the channel is going away; its close handler cleans up
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
