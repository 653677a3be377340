import { createHmac, randomBytes } from "node:crypto";
import type { Clock } from "@switchboard/runtime";

/** Length of one window of connection ids. */
export const CONNECTION_ID_WINDOW_MS = 30_000;
/** Windows before the current one whose ids are still accepted. */
const PAST_WINDOWS = 4;
/**
 * BEP 15: clients use an id for up to a minute and trackers accept it for two. An id is accepted in its own
 * window and the next four: at least 2 minutes (issued at a window's end), at most 2.5 (at its start).
 */
export const CONNECTION_ID_LIFETIME_MIN_MS = PAST_WINDOWS * CONNECTION_ID_WINDOW_MS;
export const CONNECTION_ID_LIFETIME_MAX_MS = (PAST_WINDOWS + 1) * CONNECTION_ID_WINDOW_MS;

/** Compares 8 bytes in constant time (no early exit), without a call into the crypto binding. */
function sameEightBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < 8; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * BEP 15 connection ids that need no state and cannot be forged: the first 8 bytes of
 * HMAC-SHA256(secret, window ‖ client address). The secret is random per process unless given.
 */
export class ConnectionIds {
  readonly #secret: Buffer;
  readonly #clock: Clock;
  /** Ids already computed for (window, address): one HMAC per client per minute instead of one per packet. */
  #cache = new Map<string, Buffer>();
  #cacheWindow = -1;
  static readonly CACHE_LIMIT = 100_000;
  constructor(clock: Clock, secret: Uint8Array = randomBytes(32)) {
    this.#clock = clock;
    this.#secret = Buffer.from(secret);
  }

  #id(window: number, address: string): Buffer {
    if (window > this.#cacheWindow) {
      // Keep only the previous window's entries useful: start afresh each window.
      this.#cache = new Map();
      this.#cacheWindow = window;
    }
    const key = `${window}|${address}`;
    let id = this.#cache.get(key);
    if (id === undefined) {
      id = createHmac("sha256", this.#secret).update(key).digest().subarray(0, 8);
      if (this.#cache.size >= ConnectionIds.CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(key, id);
    }
    return id;
  }

  /** A connection id for this client address, valid for two to two and a half minutes. */
  issue(address: string): Buffer {
    return this.#id(Math.floor(this.#clock.now() / CONNECTION_ID_WINDOW_MS), address);
  }

  verify(connectionId: Uint8Array, address: string): boolean {
    if (connectionId.length !== 8) return false;
    const window = Math.floor(this.#clock.now() / CONNECTION_ID_WINDOW_MS);
    for (let w = window; w >= window - PAST_WINDOWS; w--)
      if (sameEightBytes(connectionId, this.#id(w, address))) return true;
    return false;
  }
}
