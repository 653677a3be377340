import type { Outgoing } from "../signaling/session.js";

/**
 * How long a connection's `report` waits, ms: the connection's first moments are its first data-channel messages,
 * and a report sent then has the browser's network process and the signaling server work on it meanwhile (on a
 * busy machine that delayed the first message; see docs/BENCHMARKS.md, "Client SDK, round seven").
 */
export const REPORT_DELAY_MS = 250;

/** The part of a browser window the reports listen on: its `pagehide` comes before the page goes away. */
export interface PageEvents {
  addEventListener(type: "pagehide", listener: () => void): void;
  removeEventListener(type: "pagehide", listener: () => void): void;
}

/** The window in a browser page, none elsewhere (Node, workers). */
export function pageEvents(): PageEvents | undefined {
  const g = globalThis as { window?: unknown; addEventListener?: unknown };
  return g.window === globalThis && typeof g.addEventListener === "function" ? (g as PageEvents) : undefined;
}

/**
 * Analytics reports sent a moment later; `flush()` sends the waiting ones at once (before the session closes), and
 * so does the page's `pagehide` while any is waiting (a page closed within the delay still reports).
 */
export class DeferredReports {
  readonly #send: (msg: Outgoing) => void;
  readonly #delayMs: number;
  readonly #page: PageEvents | undefined;
  readonly #waiting = new Map<ReturnType<typeof setTimeout>, Outgoing>();
  readonly #onPageHide = (): void => this.flush();

  constructor(send: (msg: Outgoing) => void, delayMs = REPORT_DELAY_MS, page = pageEvents()) {
    this.#send = send;
    this.#delayMs = delayMs;
    this.#page = page;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  add(msg: Outgoing): void {
    const timer = setTimeout(() => {
      this.#waiting.delete(timer);
      if (this.#waiting.size === 0) this.#page?.removeEventListener("pagehide", this.#onPageHide);
      this.#send(msg);
    }, this.#delayMs);
    // in Node a waiting report does not keep the process alive
    (timer as { unref?: () => void }).unref?.();
    if (this.#waiting.size === 0) this.#page?.addEventListener("pagehide", this.#onPageHide);
    this.#waiting.set(timer, msg);
  }

  flush(): void {
    const msgs = [...this.#waiting.values()];
    for (const timer of this.#waiting.keys()) clearTimeout(timer);
    if (this.#waiting.size > 0) this.#page?.removeEventListener("pagehide", this.#onPageHide);
    this.#waiting.clear();
    for (const msg of msgs) this.#send(msg);
  }
}
