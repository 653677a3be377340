import { BLOCK_SIZE } from "../piece-size.js";

export const MIN_WINDOW = 4;
/** 4 MiB in flight. 1024 (16 MiB) was measured too: slower on loopback (A/B, 3 rounds each). */
export const MAX_WINDOW = 256;
const START_WINDOW = 64;
/** Keep about this much of a peer's measured rate in flight (its bandwidth-delay product, roughly). */
const TARGET_SECONDS = 0.5;

/**
 * How many block requests may be in flight to one peer: grows with the peer's measured delivery rate, shrinks
 * when its requests time out. Pure: the rate is handed in.
 */
export class RequestWindow {
  #limit = START_WINDOW;

  get limit(): number {
    return this.#limit;
  }

  /** Re-sizes from the peer's delivery rate (bytes/s); never more than doubles at once. */
  update(bytesPerSecond: number): void {
    const want = Math.ceil((bytesPerSecond * TARGET_SECONDS) / BLOCK_SIZE);
    this.#limit = Math.max(
      MIN_WINDOW,
      Math.min(MAX_WINDOW, this.#limit * 2, Math.max(want, this.#limit >> 1)),
    );
  }

  /** A request timed out: the peer is slower than we thought. */
  timedOut(): void {
    this.#limit = Math.max(MIN_WINDOW, this.#limit >> 1);
  }
}
