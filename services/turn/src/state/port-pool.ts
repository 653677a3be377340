/**
 * Relay ports in [min, max] (RFC 8656 §7.2): a random free port, an even one for EVEN-PORT, and with the R bit
 * the next odd port held for 30 s under an 8-byte RESERVATION-TOKEN that a later Allocate redeems.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "@switchboard/runtime";

export const RESERVATION_LIFETIME_MS = 30_000;

interface Reservation {
  readonly port: number;
  readonly expiresAt: number;
}

export class PortPool {
  readonly #min: number;
  readonly #max: number;
  readonly #inUse = new Set<number>();
  readonly #reserved = new Map<string, Reservation>();
  readonly #clock: Clock;

  constructor(opts: { min: number; max: number; clock: Clock }) {
    this.#min = opts.min;
    this.#max = opts.max;
    this.#clock = opts.clock;
  }

  /** Candidate ports to try binding, in order from a random start; marked in use by `take`. */
  *candidates(opts: { even?: boolean; pairFree?: boolean } = {}): Generator<number> {
    this.sweep();
    const span = this.#max - this.#min + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const port = this.#min + ((start + i) % span);
      if (opts.even && port % 2 !== 0) continue;
      if (this.#inUse.has(port)) continue;
      if (opts.pairFree && (port + 1 > this.#max || this.#inUse.has(port + 1))) continue;
      yield port;
    }
  }

  take(port: number): void {
    this.#inUse.add(port);
  }

  release(port: number): void {
    this.#inUse.delete(port);
  }

  /** Holds `port` for a later Allocate; returns the 8-byte token. */
  reserve(port: number): Uint8Array {
    const token = randomBytes(8);
    this.#inUse.add(port);
    this.#reserved.set(token.toString("hex"), {
      port,
      expiresAt: this.#clock.now() + RESERVATION_LIFETIME_MS,
    });
    return token;
  }

  /** Redeems a token: the reserved port (still marked in use, now owned by the caller), or undefined. */
  redeem(token: Uint8Array): number | undefined {
    this.sweep();
    const key = Buffer.from(token).toString("hex");
    const r = this.#reserved.get(key);
    if (r === undefined) return undefined;
    this.#reserved.delete(key);
    return r.port;
  }

  /** Frees the ports of expired reservations. */
  sweep(): void {
    const now = this.#clock.now();
    for (const [key, r] of this.#reserved) {
      if (r.expiresAt <= now) {
        this.#reserved.delete(key);
        this.#inUse.delete(r.port);
      }
    }
  }

  get inUse(): number {
    return this.#inUse.size;
  }
}
