import type { Clock } from "./clock.js";

export interface TokenBucketOptions {
  /** Burst size: tokens held when full. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/** A token bucket; `take()` spends tokens if there are enough. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #opts: TokenBucketOptions;
  readonly #clock: Clock;
  constructor(opts: TokenBucketOptions, clock: Clock) {
    this.#opts = opts;
    this.#clock = clock;
    this.#tokens = opts.capacity;
    this.#last = clock.now();
  }
  take(cost = 1): boolean {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.#opts.capacity, this.#tokens + elapsed * this.#opts.refillPerSecond);
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}

export interface KeyedRateLimiterOptions extends TokenBucketOptions {
  /** Most keys tracked at once; the least recently seen is forgotten first (bounded memory). */
  maxKeys: number;
}

/**
 * One token bucket per key (a source address, a connection): memory stays bounded by `maxKeys`,
 * and a forgotten key simply starts again with a full bucket.
 */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; last: number }>();
  readonly #opts: KeyedRateLimiterOptions;
  readonly #clock: Clock;
  constructor(opts: KeyedRateLimiterOptions, clock: Clock) {
    this.#opts = opts;
    this.#clock = clock;
  }
  get size(): number {
    return this.#buckets.size;
  }
  allow(key: string, cost = 1): boolean {
    const now = this.#clock.now();
    const { capacity, refillPerSecond, maxKeys } = this.#opts;
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      b = { tokens: capacity, last: now };
    } else {
      this.#buckets.delete(key);
      b.tokens = Math.min(capacity, b.tokens + (Math.max(0, now - b.last) / 1000) * refillPerSecond);
      b.last = now;
    }
    this.#buckets.set(key, b);
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }
}
