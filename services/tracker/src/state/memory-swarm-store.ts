import { randomInt } from "node:crypto";
import type { Clock } from "@switchboard/runtime";
import type { SelectedPeers, SwarmCounts } from "@switchboard/protocol";
import {
  FLAG_HAS_KEY,
  FLAG_SEEDER,
  FLAG_V6,
  FLAG_WS,
  MATCH_CROWDED,
  MATCH_KEY_MISMATCH,
  RECORD_META,
  RECORD_SIZE,
  Swarm,
} from "./swarm.js";
import { isMappedIPv4 } from "./peer-address.js";
import {
  EMPTY_PEERS,
  type PeerSelection,
  type PeerUpdate,
  type StoreAnnounceOutcome,
  type StoreTotals,
  type SwarmStore,
} from "./swarm-store.js";

export interface MemorySwarmStoreOptions {
  clock: Clock;
  /** Seconds a peer stays listed without announcing again. */
  peerTtlSeconds: number;
}

/** An info-hash as a map key (latin1: one char per byte), without copying the bytes. */
const keyOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

const ZERO: SwarmCounts = Object.freeze({ complete: 0, incomplete: 0, downloaded: 0 });

const countsOf = (s: Swarm): SwarmCounts => ({
  complete: s.seeders,
  incomplete: s.leechers,
  downloaded: s.downloaded,
});

/** In-process swarms: one compact `Swarm` per info-hash (keyed by its 20 bytes as a latin1 string). */
export class MemorySwarmStore implements SwarmStore {
  readonly #swarms = new Map<string, Swarm>();
  readonly #clock: Clock;
  readonly #epoch: number;
  readonly #ttl: number;
  readonly #salt = randomInt(0x7fffffff);
  #seeders = 0;
  #leechers = 0;
  #bytes = 0;

  constructor(opts: MemorySwarmStoreOptions) {
    this.#clock = opts.clock;
    this.#epoch = opts.clock.now();
    this.#ttl = opts.peerTtlSeconds;
  }

  #nowSeconds(): number {
    return Math.floor((this.#clock.now() - this.#epoch) / 1000);
  }

  announce(update: PeerUpdate, select: PeerSelection): StoreAnnounceOutcome {
    const hashKey = keyOf(update.infoHash);
    let swarm = this.#swarms.get(hashKey);
    if (swarm === undefined) {
      if (update.remove) return { ok: true, counts: ZERO, peers: EMPTY_PEERS };
      swarm = new Swarm(this.#salt);
      this.#swarms.set(hashKey, swarm);
      this.#bytes += swarm.bytes;
    }
    const bytesBefore = swarm.bytes;
    let slot = swarm.match(update.peerId, update.ip, update.key);
    if (slot === MATCH_KEY_MISMATCH) return { ok: false, failure: "KEY_MISMATCH" };
    if (slot === MATCH_CROWDED) {
      if (update.remove) return { ok: true, counts: countsOf(swarm), peers: EMPTY_PEERS };
      return { ok: false, failure: "PEER_ID_CROWDED" };
    }
    if (update.remove) {
      if (slot >= 0) this.#removeSlot(swarm, slot);
      if (swarm.count === 0) this.#dropSwarm(hashKey, swarm);
      return { ok: true, counts: countsOf(swarm), peers: EMPTY_PEERS };
    }
    const wasSeeder = slot >= 0 && (swarm.flags(slot) & FLAG_SEEDER) !== 0;
    if (slot < 0) {
      slot = swarm.add(update.peerId);
      this.#bytes += swarm.bytes - bytesBefore;
      if (update.seeder) this.#adjust(swarm, 1, 0);
      else this.#adjust(swarm, 0, 1);
    } else if (wasSeeder !== update.seeder) {
      this.#adjust(swarm, update.seeder ? 1 : -1, update.seeder ? -1 : 1);
    }
    if (update.completed && !wasSeeder) swarm.downloaded++;
    const flags =
      (update.seeder ? FLAG_SEEDER : 0) |
      (isMappedIPv4(update.ip) ? 0 : FLAG_V6) |
      (update.kind === "ws" ? FLAG_WS : 0) |
      (update.key === undefined ? 0 : FLAG_HAS_KEY);
    swarm.write(slot, {
      ip: update.ip,
      port: update.port,
      flags,
      key: update.key ?? 0,
      expires: this.#nowSeconds() + this.#ttl,
    });
    return { ok: true, counts: countsOf(swarm), peers: selectPeers(swarm, slot, select, update.kind) };
  }

  scrape(infoHashes: readonly Uint8Array[]): readonly SwarmCounts[] {
    return infoHashes.map((h) => {
      const swarm = this.#swarms.get(keyOf(h));
      return swarm ? countsOf(swarm) : ZERO;
    });
  }

  scrapeAll(limit: number): ReadonlyArray<{ infoHash: Uint8Array; counts: SwarmCounts }> {
    const out: Array<{ infoHash: Uint8Array; counts: SwarmCounts }> = [];
    for (const [key, swarm] of this.#swarms) {
      if (out.length >= limit) break;
      out.push({ infoHash: Buffer.from(key, "latin1"), counts: countsOf(swarm) });
    }
    return out;
  }

  totals(): StoreTotals {
    return {
      torrents: this.#swarms.size,
      seeders: this.#seeders,
      leechers: this.#leechers,
      peerBytes: this.#bytes,
    };
  }

  sweep(): number {
    const now = this.#nowSeconds();
    let removed = 0;
    for (const [key, swarm] of this.#swarms) {
      for (let slot = swarm.count - 1; slot >= 0; slot--) {
        if (swarm.expires(slot) <= now) {
          this.#removeSlot(swarm, slot);
          removed++;
        }
      }
      if (swarm.count === 0) this.#dropSwarm(key, swarm);
      else {
        const before = swarm.bytes;
        swarm.trim();
        this.#bytes += swarm.bytes - before;
      }
    }
    return removed;
  }

  close(): Promise<void> {
    this.#swarms.clear();
    this.#seeders = 0;
    this.#leechers = 0;
    this.#bytes = 0;
    return Promise.resolve();
  }

  #dropSwarm(key: string, swarm: Swarm): void {
    this.#swarms.delete(key);
    this.#bytes -= swarm.bytes;
  }

  #removeSlot(swarm: Swarm, slot: number): void {
    if ((swarm.flags(slot) & FLAG_SEEDER) !== 0) this.#adjust(swarm, -1, 0);
    else this.#adjust(swarm, 0, -1);
    swarm.remove(slot);
  }

  #adjust(swarm: Swarm, seeders: number, leechers: number): void {
    swarm.seeders += seeders;
    swarm.leechers += leechers;
    this.#seeders += seeders;
    this.#leechers += leechers;
  }
}

/**
 * Up to `numwant` peers of the same kind as the announcing one, never itself, starting from a random slot
 * so every peer gets handed out in turn.
 */
export function selectPeers(
  swarm: Swarm,
  self: number,
  select: PeerSelection,
  kind: "ip" | "ws",
): SelectedPeers {
  const n = swarm.count;
  const want = Math.min(select.numwant, n - (self >= 0 ? 1 : 0));
  if (want <= 0) return EMPTY_PEERS;
  const rec = swarm.records;
  const wantWs = kind === "ws";
  const take4 = select.family !== "v6" && !wantWs;
  const take6 = select.family !== "v4" && !wantWs;
  const c4 = Buffer.allocUnsafe(take4 ? want * 6 : 0);
  const c6 = Buffer.allocUnsafe(take6 ? want * 18 : 0);
  const i4 = select.withIds && take4 ? Buffer.allocUnsafe(want * 20) : undefined;
  const i6 = select.withIds && take6 ? Buffer.allocUnsafe(want * 20) : undefined;
  const ws = Buffer.allocUnsafe(wantWs ? want * 20 : 0);
  let n4 = 0;
  let n6 = 0;
  let nws = 0;
  const start = n > 1 ? Math.floor(Math.random() * n) : 0;
  for (let k = 0; k < n && n4 + n6 + nws < want; k++) {
    const slot = (start + k) % n;
    if (slot === self) continue;
    const base = slot * RECORD_SIZE;
    const flags = rec.readUInt32BE(base + RECORD_META) >>> 28;
    if ((flags & FLAG_WS) !== 0) {
      if (wantWs) rec.copy(ws, nws++ * 20, base, base + 20);
    } else if ((flags & FLAG_V6) === 0) {
      if (!take4) continue;
      rec.copy(c4, n4 * 6, base + 32, base + 38);
      if (i4) rec.copy(i4, n4 * 20, base, base + 20);
      n4++;
    } else if (take6) {
      rec.copy(c6, n6 * 18, base + 20, base + 38);
      if (i6) rec.copy(i6, n6 * 20, base, base + 20);
      n6++;
    }
  }
  return {
    compact4: c4.subarray(0, n4 * 6),
    compact6: c6.subarray(0, n6 * 18),
    ids4: i4?.subarray(0, n4 * 20),
    ids6: i6?.subarray(0, n6 * 20),
    wsPeerIds: ws.subarray(0, nws * 20),
  };
}
