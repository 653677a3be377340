/**
 * An allocation's channel bindings (RFC 8656 §12): a number in 0x4000–0x7FFF (RFC 5766's range, see
 * channel-range.ts; checked by the ChannelBind handler) bound to one peer transport address for 600 s,
 * refreshed by re-binding the same pair. A number or address may not be bound to anything else while bound, nor
 * for 5 minutes after the binding expires (§12: guards against stale ChannelData).
 */
import type { Clock } from "@switchboard/runtime";
import { addressKey, type TransportAddress } from "./types.js";

export const CHANNEL_LIFETIME_MS = 600_000;
export const CHANNEL_REUSE_GUARD_MS = 300_000;

export interface ChannelBinding {
  readonly number: number;
  readonly peer: TransportAddress;
  readonly peerKey: string;
  expiresAt: number;
}

export type BindResult = "ok" | "conflict" | "full";

export class Channels {
  readonly #byNumber = new Map<number, ChannelBinding>();
  readonly #byPeer = new Map<string, ChannelBinding>();
  readonly #clock: Clock;
  readonly #max: number;

  constructor(clock: Clock, max: number) {
    this.#clock = clock;
    this.#max = max;
  }

  /** Binds or re-binds (refresh); refuses a number or peer held by a different binding, live or guarded. */
  bind(number: number, peer: TransportAddress): BindResult {
    const peerKey = addressKey(peer);
    const byNumber = this.#byNumber.get(number);
    const byPeer = this.#byPeer.get(peerKey);
    if (byNumber !== byPeer) return "conflict";
    const now = this.#clock.now();
    if (byNumber !== undefined) {
      byNumber.expiresAt = now + CHANNEL_LIFETIME_MS;
      return "ok";
    }
    if (this.#byNumber.size >= this.#max) {
      this.sweep();
      if (this.#byNumber.size >= this.#max) return "full";
    }
    const binding: ChannelBinding = { number, peer, peerKey, expiresAt: now + CHANNEL_LIFETIME_MS };
    this.#byNumber.set(number, binding);
    this.#byPeer.set(peerKey, binding);
    return "ok";
  }

  /** The live binding for a channel number (hot path: ChannelData from the client). */
  byNumber(number: number): ChannelBinding | undefined {
    const b = this.#byNumber.get(number);
    return b !== undefined && b.expiresAt > this.#clock.now() ? b : undefined;
  }

  /** The live binding for a peer `address:port` (hot path: data from the peer). */
  byPeer(peerKey: string): ChannelBinding | undefined {
    const b = this.#byPeer.get(peerKey);
    return b !== undefined && b.expiresAt > this.#clock.now() ? b : undefined;
  }

  /** Forgets bindings whose re-use guard has passed too; returns how many. */
  sweep(): number {
    const limit = this.#clock.now() - CHANNEL_REUSE_GUARD_MS;
    let removed = 0;
    for (const [number, b] of this.#byNumber) {
      if (b.expiresAt <= limit) {
        this.#byNumber.delete(number);
        this.#byPeer.delete(b.peerKey);
        removed++;
      }
    }
    return removed;
  }

  /** Live bindings (expired ones in their guard period are not counted). */
  get active(): number {
    const now = this.#clock.now();
    let n = 0;
    for (const b of this.#byNumber.values()) if (b.expiresAt > now) n++;
    return n;
  }
}
