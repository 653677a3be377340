import { SignalingError } from "../errors.js";

/**
 * How long after a relay is handled the receiving instance may still hand it to the peer (on the store's shared
 * clock), and how long the sender waits for the receipt (on its own clock). The gap between them is the time a
 * receipt has to come back.
 */
export const DELIVER_WITHIN_MS = 1500;
export const RECEIPT_TIMEOUT_MS = 2000;

/** What the receiving instance reported: the frame was handed to the peer's connection, or the peer is not there. */
export type ReceiptOutcome = "delivered" | "gone";

interface Pending {
  readonly expires: number;
  readonly roomId: string;
  readonly resolve: () => void;
  readonly reject: (err: SignalingError) => void;
}

const notReceived = () =>
  new SignalingError("unavailable", "the peer's instance did not confirm delivery in time; not delivered");
const gone = (roomId: string) => new SignalingError("unknown_peer", "the peer has left", roomId);

/**
 * The sender's side of delivery receipts: a relay that asked for one is acknowledged when its receipt comes back,
 * answered `unknown_peer` when the receiving instance no longer has the peer, and `unavailable` when nothing came
 * back within `RECEIPT_TIMEOUT_MS` (the receiving instance died, or stopped answering). One timer serves all
 * pending receipts: they expire in the order they were created.
 */
export class PendingReceipts {
  readonly #pending = new Map<string, Pending>();
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(now: () => number = Date.now, timeoutMs = RECEIPT_TIMEOUT_MS) {
    this.#now = now;
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** A new receipt id and the promise settled by its receipt, a failure, or the timeout. */
  expect(roomId: string): { id: string; done: Promise<void> } {
    const id = (++this.#seq).toString(36);
    const done = new Promise<void>((resolve, reject) => {
      this.#pending.set(id, {
        expires: this.#now() + this.#timeoutMs,
        roomId,
        resolve,
        reject,
      });
    });
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    return { id, done };
  }

  /** A receipt came back (unknown or already settled ids are ignored: it came too late). */
  settle(id: string, outcome: ReceiptOutcome): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    if (outcome === "delivered") p.resolve();
    else p.reject(gone(p.roomId));
  }

  /** The relay failed before any receipt could come (not published). */
  fail(id: string, err: SignalingError): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    p.reject(err);
  }

  #arm(ms: number): void {
    // Not unref'd: a pending relay is answered even while the process is shutting down (2 s at most).
    this.#timer = setTimeout(() => this.#expire(), Math.max(1, ms));
  }

  #expire(): void {
    this.#timer = undefined;
    const now = this.#now();
    for (const [id, p] of this.#pending) {
      if (p.expires > now) {
        this.#arm(p.expires - now);
        return;
      }
      this.#pending.delete(id);
      p.reject(notReceived());
    }
  }
}
