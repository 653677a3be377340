import type { Outgoing } from "../signaling/session.js";

/**
 * How long a connection's `report` waits, ms: the connection's first moments are its first data-channel messages,
 * and a report sent then has the browser's network process and the signaling server work on it meanwhile (on a
 * busy machine that delayed the first message; see docs/BENCHMARKS.md, "Client SDK, round seven").
 */
export const REPORT_DELAY_MS = 250;

/** Analytics reports sent a moment later; `flush()` sends the waiting ones at once (before the session closes). */
export class DeferredReports {
  readonly #send: (msg: Outgoing) => void;
  readonly #delayMs: number;
  readonly #waiting = new Map<ReturnType<typeof setTimeout>, Outgoing>();

  constructor(send: (msg: Outgoing) => void, delayMs = REPORT_DELAY_MS) {
    this.#send = send;
    this.#delayMs = delayMs;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  add(msg: Outgoing): void {
    const timer = setTimeout(() => {
      this.#waiting.delete(timer);
      this.#send(msg);
    }, this.#delayMs);
    // in Node a waiting report does not keep the process alive
    (timer as { unref?: () => void }).unref?.();
    this.#waiting.set(timer, msg);
  }

  flush(): void {
    const msgs = [...this.#waiting.values()];
    for (const timer of this.#waiting.keys()) clearTimeout(timer);
    this.#waiting.clear();
    for (const msg of msgs) this.#send(msg);
  }
}
