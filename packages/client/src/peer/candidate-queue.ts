/** Remote ICE candidates that arrive before the remote description, applied in order once it is set. */
export class CandidateQueue<C> {
  #items: C[] = [];
  readonly #max: number;

  constructor(max = 256) {
    this.#max = max;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Keeps a candidate for later; the oldest is dropped past the bound. */
  push(candidate: C): void {
    this.#items.push(candidate);
    if (this.#items.length > this.#max) this.#items.shift();
  }

  /** Returns and forgets every queued candidate. */
  drain(): C[] {
    const out = this.#items;
    this.#items = [];
    return out;
  }

  clear(): void {
    this.#items = [];
  }
}
