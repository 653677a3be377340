/** Bytes per second over a sliding window of one-second buckets; the clock is injected for tests. */
export class RateMeter {
  readonly #buckets: Float64Array;
  readonly #now: () => number;
  #head = 0;
  #headSecond: number;
  readonly #start: number;
  total = 0;

  constructor(opts: { windowSeconds?: number; now?: () => number } = {}) {
    this.#buckets = new Float64Array(opts.windowSeconds ?? 5);
    this.#now = opts.now ?? Date.now;
    this.#start = this.#now();
    this.#headSecond = Math.floor(this.#start / 1000);
  }

  add(bytes: number): void {
    this.#advance();
    this.#buckets[this.#head] += bytes;
    this.total += bytes;
  }

  /** Bytes per second over the window (or over the time since start, when shorter). */
  rate(): number {
    this.#advance();
    let sum = 0;
    for (const b of this.#buckets) sum += b;
    const elapsed = Math.min(this.#buckets.length, Math.max(1, (this.#now() - this.#start) / 1000));
    return sum / elapsed;
  }

  #advance(): void {
    const second = Math.floor(this.#now() / 1000);
    const steps = Math.min(second - this.#headSecond, this.#buckets.length);
    for (let i = 0; i < steps; i++) {
      this.#head = (this.#head + 1) % this.#buckets.length;
      this.#buckets[this.#head] = 0;
    }
    if (second > this.#headSecond) this.#headSecond = second;
  }
}
