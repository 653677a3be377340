/**
 * The per-address announce limiter in C (native/rate-limit.c), for the tracker core: the same buckets the UDP
 * announce path in C spends (native/udp-fast.c), with KeyedRateLimiter's semantics. Keys are addresses as 16 bytes
 * (IPv4 as IPv4-mapped), so "1.2.3.4" and "::ffff:1.2.3.4" share a bucket.
 */
import type { Clock } from "@switchboard/runtime";
import type { AnnounceLimiter } from "../core/tracker-core.js";
import type { NativeRateLimiterHandle, TrackerNativeBinding } from "./native-binding.js";
import { addressToBytes } from "./peer-address.js";

export interface NativeRateLimiterOptions {
  /** Burst size: tokens of a full bucket. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  /** Addresses tracked at once (at most 16 777 216); the least recently seen is forgotten first. */
  maxKeys: number;
}

/** Client addresses whose parsed bytes are kept before the cache starts over (bounded whatever clients do). */
const ADDRESS_CACHE_MAX = 16_384;

/**
 * The bucket of keys that are not IP addresses (the unspecified address ::, which no client sends from): they
 * share one bucket rather than being refused here, so the core answers them with its own "address" refusal.
 */
const NOT_AN_ADDRESS = new Uint8Array(16);

export class NativeRateLimiter implements AnnounceLimiter {
  /** The C limiter, for `udpFastCreate`. */
  readonly handle: NativeRateLimiterHandle;
  readonly #clock: Clock;
  readonly #addresses = new Map<string, Uint8Array>();

  constructor(binding: Pick<TrackerNativeBinding, "RateLimiter">, o: NativeRateLimiterOptions, clock: Clock) {
    this.handle = new binding.RateLimiter(o.capacity, o.refillPerSecond, o.maxKeys);
    this.#clock = clock;
  }

  /** Addresses tracked. */
  get size(): number {
    return this.handle.size;
  }

  allow(key: string): boolean {
    return this.handle.allow(this.#bytes(key), this.#clock.now());
  }

  #bytes(key: string): Uint8Array {
    let ip = this.#addresses.get(key);
    if (ip === undefined) {
      ip = addressToBytes(key) ?? NOT_AN_ADDRESS;
      if (this.#addresses.size >= ADDRESS_CACHE_MAX) this.#addresses.clear();
      this.#addresses.set(key, ip);
    }
    return ip;
  }
}
