/**
 * An allocation's permissions (RFC 8656 §9): keyed by peer IP (ports ignored), each living 300 s from its last
 * install or refresh, checked lazily against the injected clock and swept away after expiry.
 */
import type { Clock } from "@switchboard/runtime";

export const PERMISSION_LIFETIME_MS = 300_000;

export class Permissions {
  readonly #expiry = new Map<string, number>();
  readonly #clock: Clock;
  readonly #max: number;

  constructor(clock: Clock, max: number) {
    this.#clock = clock;
    this.#max = max;
  }

  /** Installs or refreshes; false when the table is full of other live permissions. */
  install(ip: string): boolean {
    if (!this.#expiry.has(ip) && this.#expiry.size >= this.#max) {
      this.sweep();
      if (this.#expiry.size >= this.#max) return false;
    }
    this.#expiry.set(ip, this.#clock.now() + PERMISSION_LIFETIME_MS);
    return true;
  }

  /** Whether a live permission exists for this peer IP. */
  has(ip: string): boolean {
    const expiresAt = this.#expiry.get(ip);
    return expiresAt !== undefined && expiresAt > this.#clock.now();
  }

  /** Whether `install` would accept this IP (all-or-nothing CreatePermission). */
  canInstall(ips: readonly string[]): boolean {
    this.sweep();
    return this.#expiry.size + ips.filter((ip) => !this.#expiry.has(ip)).length <= this.#max;
  }

  /** Drops expired permissions; returns how many. */
  sweep(): number {
    const now = this.#clock.now();
    let removed = 0;
    for (const [ip, expiresAt] of this.#expiry) {
      if (expiresAt <= now) {
        this.#expiry.delete(ip);
        removed++;
      }
    }
    return removed;
  }

  get size(): number {
    return this.#expiry.size;
  }
}
