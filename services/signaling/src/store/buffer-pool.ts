/**
 * Reused byte buffers for bus batches. A batch of a hundred-odd signals is tens of KiB: more than Node's 4 KiB
 * shared pool serves, so each new one was an ArrayBuffer of its own, counted by V8 as external memory. A fresh
 * one per event-loop turn (≈ 100 MB/s at full load) made V8 count that growth against the old generation's
 * limit and run a full mark-compact every 100–200 ms on the publishing instance. Buffers here are handed back
 * once the socket is done with them and serve the next batches.
 */
export class BufferPool {
  readonly #free: Buffer[] = [];

  /**
   * @param keep at most this many free buffers are kept
   * @param maxBytes buffers larger than this are not kept (an outsized batch does not pin its memory)
   * @param minBytes the smallest buffer handed out (so that a pooled buffer fits most batches)
   */
  constructor(
    readonly keep = 8,
    readonly maxBytes = 1 << 20,
    readonly minBytes = 64 * 1024,
  ) {}

  /** Free buffers held now. */
  get size(): number {
    return this.#free.length;
  }

  /** A buffer of at least `bytes` (contents undefined): a free one if one is large enough, else a new one. */
  take(bytes: number): Buffer {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const b = this.#free[i];
      if (b.length >= bytes) {
        this.#free[i] = this.#free[this.#free.length - 1];
        this.#free.pop();
        return b;
      }
    }
    return Buffer.allocUnsafeSlow(Math.max(bytes, this.minBytes));
  }

  /** Hands a buffer back; the caller must not use it (nor anything viewing it) afterwards. */
  give(buf: Buffer): void {
    if (buf.length > this.maxBytes || buf.length < this.minBytes) return;
    if (this.#free.length < this.keep) {
      this.#free.push(buf);
      return;
    }
    // Full: keep the larger buffers, as they fit more batches.
    let smallest = 0;
    for (let i = 1; i < this.#free.length; i++)
      if (this.#free[i].length < this.#free[smallest].length) smallest = i;
    if (this.#free[smallest].length < buf.length) this.#free[smallest] = buf;
  }
}
