/** Loads the tracker's compiled addon (dist/tracker-native.node, built by scripts/build-native.mjs) when there is one. */
import { createRequire } from "node:module";

/** Where the addon's reply block holds each list (byte offsets), and the sizes of both blocks. */
export interface NativeLayout {
  readonly requestBytes: number;
  readonly replyBytes: number;
  /** Most peers one announce hands back (numwant is capped to it). */
  readonly maxPeers: number;
  readonly compact4: number;
  readonly compact6: number;
  readonly ids4: number;
  readonly ids6: number;
  readonly wsIds: number;
}

/** A store handle of the addon (native/binding.c describes the request and reply blocks). */
export interface NativeStoreHandle {
  readonly request: ArrayBuffer;
  readonly reply: ArrayBuffer;
  /**
   * → SS_* status; with a target, a one-family list may go to target[at…end) (`at`, `end`: request words at 76 and
   * 80; reply word 7: bytes written, 0xffffffff when not).
   */
  announce(target?: Uint8Array): number;
  /** Counts of one torrent into reply words 1–3. */
  scrape(infoHash: Uint8Array): void;
  /** 32-byte records: info-hash (20), u32 complete, incomplete, downloaded. */
  scrapeAll(limit: number): ArrayBuffer;
  sweep(now: number): number;
  /** Doubles at reply bytes 0, 8, 16, 24: torrents, seeders, leechers, peer bytes. */
  totals(): void;
  /** Empties the store; every later call throws. */
  close(): void;
}

/** The per-address rate limiter in C (native/rate-limit.c): token buckets keyed by 16-byte addresses. */
export interface NativeRateLimiterHandle {
  /** Spends one token of `address` (16 bytes, IPv4 as IPv4-mapped) at `nowMs`; false when it has none. */
  allow(address: Uint8Array, nowMs: number): boolean;
  /** Addresses tracked. */
  readonly size: number;
}

/** The UDP announce path in C (native/udp-fast.c; see transport/udp/udp-fast-path.ts). */
export interface UdpFastBinding {
  /** → a datagram handler external over `store`'s C store (disabled until enabled). */
  udpFastCreate(
    store: NativeStoreHandle,
    secret: Uint8Array,
    intervalSeconds: number,
    numwantDefault: number,
    numwantMax: number,
    /** Buckets to spend before answering (the core's limiter); undefined: no limit. */
    limiter?: NativeRateLimiterHandle,
  ): object;
  udpFastEnable(handler: object, on: boolean): void;
  /** Announces the handler answered since the last call. */
  udpFastTake(handler: object): number;
}

export interface TrackerNativeBinding extends UdpFastBinding {
  readonly SwarmStore: new (ttlSeconds: number, salt: number, epochMs: number) => NativeStoreHandle;
  readonly layout: NativeLayout;
  readonly RateLimiter: new (
    capacity: number,
    refillPerSecond: number,
    maxKeys: number,
  ) => NativeRateLimiterHandle;
}

/** Request flags (byte 72 of the request block). */
export const REQ_HAS_KEY = 1;
export const REQ_SEEDER = 2;
export const REQ_WS = 4;
export const REQ_REMOVE = 8;
export const REQ_COMPLETED = 16;
export const REQ_WITH_IDS = 32;

/** Statuses of announce() (SS_* in native/swarm-store.h). */
export const SS_OK = 0;
export const SS_KEY_MISMATCH = 1;
export const SS_PEER_ID_CROWDED = 2;

let loaded: { binding?: TrackerNativeBinding; reason?: string } | undefined;

/** The addon, or why there is none (not Linux, not built, failed to load). */
export function loadTrackerNative(): { binding?: TrackerNativeBinding; reason?: string } {
  if (loaded !== undefined) return loaded;
  if (process.platform !== "linux") {
    loaded = { reason: `the tracker addon is built on Linux only (this is ${process.platform})` };
    return loaded;
  }
  try {
    const require = createRequire(import.meta.url);
    // src/state/ and dist/state/ both sit two levels below the package root.
    loaded = { binding: require("../../dist/tracker-native.node") as TrackerNativeBinding };
  } catch (err) {
    loaded = {
      reason: `dist/tracker-native.node did not load (${(err as Error).message.split("\n")[0]}); build it with npm run build (Linux, a C compiler, SWITCHBOARD_NATIVE unset)`,
    };
  }
  return loaded;
}
