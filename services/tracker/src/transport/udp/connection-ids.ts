import { createHmac, randomBytes } from "node:crypto";
import type { Clock } from "@switchboard/runtime";
import { u32 } from "./udp-codec.js";

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

/** Whether `id` holds the two words, compared without an early exit (no timing hint of a partial match). */
function sameId(id: Uint8Array, high: number, low: number): boolean {
  return ((u32(id, 0) ^ high) | (u32(id, 4) ^ low)) === 0;
}

/**
 * BEP 15 connection ids that need no state and cannot be forged: the first 8 bytes of
 * HMAC-SHA256(secret, window ‖ client address). The secret is random per process unless given.
 */
export class ConnectionIds {
  readonly #secret: Buffer;
  readonly #clock: Clock;
  /**
   * Ids already computed, one map per window keyed by the client's address (one HMAC per client per window
   * instead of one per packet; the lookup hashes the address string, which the datagram layer hands out once
   * per sender, not a key built per packet). Only the windows still accepted are kept.
   */
  readonly #windows = new Map<number, Map<string, Buffer>>();
  #cached = 0;
  static readonly CACHE_LIMIT = 100_000;
  constructor(clock: Clock, secret: Uint8Array = randomBytes(32)) {
    this.#clock = clock;
    this.#secret = Buffer.from(secret);
  }

  /** The last window asked for and its map (nearly every lookup is of the current window: no Map lookup). */
  #lastWindow = NaN;
  #lastIds: Map<string, Buffer> | undefined;

  #window(window: number): Map<string, Buffer> {
    if (window === this.#lastWindow && this.#lastIds !== undefined) return this.#lastIds;
    let ids = this.#windows.get(window);
    if (ids === undefined) {
      for (const [w, old] of this.#windows) {
        if (w >= window - PAST_WINDOWS) continue;
        this.#cached -= old.size;
        this.#windows.delete(w);
      }
      ids = new Map();
      this.#windows.set(window, ids);
    }
    this.#lastWindow = window;
    this.#lastIds = ids;
    return ids;
  }

  #id(window: number, address: string): Buffer {
    let ids = this.#window(window);
    let id = ids.get(address);
    if (id === undefined) {
      id = createHmac("sha256", this.#secret).update(`${window}|${address}`).digest().subarray(0, 8);
      if (this.#cached >= ConnectionIds.CACHE_LIMIT) {
        // Bounded whatever senders do: start afresh (ids are recomputed on demand).
        this.#windows.clear();
        this.#lastIds = undefined;
        this.#cached = 0;
        ids = this.#window(window);
      }
      ids.set(address, id);
      this.#cached++;
    }
    return id;
  }

  /** The HMAC key, for the C announce path that verifies these ids (udp-fast.c); never logged. */
  get secret(): Uint8Array {
    return this.#secret;
  }

  /** Ids held in the cache (at most CACHE_LIMIT). */
  get cached(): number {
    return this.#cached;
  }

  /** A connection id for this client address, valid for two to two and a half minutes. */
  issue(address: string): Buffer {
    return this.#id(Math.floor(this.#clock.now() / CONNECTION_ID_WINDOW_MS), address);
  }

  verify(connectionId: Uint8Array, address: string): boolean {
    if (connectionId.length !== 8) return false;
    const view = new DataView(connectionId.buffer, connectionId.byteOffset, 8);
    return this.verifyWords(view.getUint32(0), view.getUint32(4), address);
  }

  /** `verify` for an id read as two big-endian 32-bit words (the datagram path: no view per packet). */
  verifyWords(high: number, low: number, address: string): boolean {
    const window = Math.floor(this.#clock.now() / CONNECTION_ID_WINDOW_MS);
    for (let w = window; w >= window - PAST_WINDOWS; w--)
      if (sameId(this.#id(w, address), high, low)) return true;
    return false;
  }
}
