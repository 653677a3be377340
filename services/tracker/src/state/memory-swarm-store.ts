import { randomInt } from "node:crypto";
import type { Clock } from "@switchboard/runtime";
import type { SwarmCounts } from "@switchboard/protocol";
import { PeerIdTable } from "./peer-id-table.js";
import { FLAG_HAS_KEY, FLAG_SEEDER, type PeerArena } from "./peer-arena.js";
import { arenaAt, arenaOf, MATCH_CROWDED, MATCH_KEY_MISMATCH, slotAt, Swarm } from "./swarm.js";
import { InfoHashTable } from "./info-hash-table.js";
import { isMappedIPv4 } from "./peer-address.js";
import { SlabAllocator } from "./slab-allocator.js";
import { selectPeers, type SelectionOrigin } from "./peer-selection.js";
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

const ZERO: SwarmCounts = Object.freeze({ complete: 0, incomplete: 0, downloaded: 0 });

const countsOf = (s: Swarm): SwarmCounts => ({
  complete: s.seeders,
  incomplete: s.leechers,
  downloaded: s.downloaded,
});

/**
 * In-process swarms: one compact `Swarm` per info-hash (found by its 20 bytes in an `InfoHashTable`, no string
 * per lookup), peer ids interned once for all swarms in a `PeerIdTable`.
 */
export class MemorySwarmStore implements SwarmStore {
  readonly #clock: Clock;
  readonly #epoch: number;
  readonly #ttl: number;
  readonly #salt = randomInt(0x7fffffff);
  readonly #swarms = new InfoHashTable<Swarm>(this.#salt);
  /** Pages and index chunks of every swarm's arenas. */
  readonly #alloc = new SlabAllocator();
  readonly #ids = new PeerIdTable(this.#salt);
  #seeders = 0;
  #leechers = 0;
  #bytes = 0;
  /** The announcing peer's record for `selectPeers` (reused: `announce` is synchronous). */
  readonly #origin: SelectionOrigin = { arena: 0, slot: -1 };

  constructor(opts: MemorySwarmStoreOptions) {
    this.#clock = opts.clock;
    this.#epoch = opts.clock.now();
    this.#ttl = opts.peerTtlSeconds;
  }

  #nowSeconds(): number {
    return Math.floor((this.#clock.now() - this.#epoch) / 1000);
  }

  announce(update: PeerUpdate, select: PeerSelection): StoreAnnounceOutcome {
    let swarm = this.#swarms.get(update.infoHash);
    if (swarm === undefined) {
      if (update.remove) return { ok: true, counts: ZERO, peers: EMPTY_PEERS };
      swarm = new Swarm(this.#salt, this.#alloc);
      this.#swarms.set(update.infoHash, swarm);
    }
    const found = swarm.match(this.#ids.lookup(update.peerId), update.ip, update.key);
    if (found === MATCH_KEY_MISMATCH) return { ok: false, failure: "KEY_MISMATCH" };
    if (found === MATCH_CROWDED) {
      if (update.remove) return { ok: true, counts: countsOf(swarm), peers: EMPTY_PEERS };
      return { ok: false, failure: "PEER_ID_CROWDED" };
    }
    if (update.remove) {
      if (found >= 0) this.#removeAt(swarm, swarm.arena(arenaAt(found)), slotAt(found));
      if (swarm.count === 0) this.#dropSwarm(update.infoHash, swarm);
      return { ok: true, counts: countsOf(swarm), peers: EMPTY_PEERS };
    }
    const target = arenaOf(update.kind === "ws", !isMappedIPv4(update.ip));
    let wasSeeder = false;
    let slot = -1;
    const arena = swarm.existing(target) ?? this.#newArena(swarm, target);
    if (found >= 0) {
      const from = swarm.arena(arenaAt(found));
      wasSeeder = (from.flags(slotAt(found)) & FLAG_SEEDER) !== 0;
      if (arenaAt(found) === target) {
        slot = slotAt(found);
        if (wasSeeder !== update.seeder) this.#adjust(swarm, update.seeder ? 1 : -1, update.seeder ? -1 : 1);
      } else {
        // The peer moved to another family or kind: its record moves to that arena.
        this.#removeAt(swarm, from, slotAt(found));
      }
    }
    if (slot < 0) {
      const before = arena.bytes;
      slot = arena.add(this.#ids.acquire(update.peerId));
      this.#bytes += arena.bytes - before;
      swarm.count++;
      if (update.seeder) this.#adjust(swarm, 1, 0);
      else this.#adjust(swarm, 0, 1);
    }
    if (update.completed && !wasSeeder) swarm.downloaded++;
    arena.write(
      slot,
      update.ip,
      update.port,
      (update.seeder ? FLAG_SEEDER : 0) | (update.key === undefined ? 0 : FLAG_HAS_KEY),
      update.key ?? 0,
      this.#nowSeconds() + this.#ttl,
    );
    const origin = this.#origin;
    origin.arena = target;
    origin.slot = slot;
    return {
      ok: true,
      counts: countsOf(swarm),
      peers: selectPeers(swarm, this.#ids, origin, select, update.kind),
    };
  }

  scrape(infoHashes: readonly Uint8Array[]): readonly SwarmCounts[] {
    return infoHashes.map((h) => {
      const swarm = this.#swarms.get(h);
      return swarm ? countsOf(swarm) : ZERO;
    });
  }

  scrapeAll(limit: number): ReadonlyArray<{ infoHash: Uint8Array; counts: SwarmCounts }> {
    const out: Array<{ infoHash: Uint8Array; counts: SwarmCounts }> = [];
    this.#swarms.forEach((swarm, entry) => {
      if (out.length < limit) out.push({ infoHash: this.#swarms.keyAt(entry), counts: countsOf(swarm) });
    });
    return out;
  }

  totals(): StoreTotals {
    return {
      torrents: this.#swarms.size,
      seeders: this.#seeders,
      leechers: this.#leechers,
      peerBytes: this.#swarms.size === 0 ? 0 : this.#bytes + this.#ids.bytes,
    };
  }

  /** The slabs behind the peer records: bytes carved out of them so far, and of those the freed ones. */
  slabs(): { carvedBytes: number; freeBytes: number } {
    return { carvedBytes: this.#alloc.bytesCarved, freeBytes: this.#alloc.bytesFree };
  }

  sweep(): number {
    const now = this.#nowSeconds();
    let removed = 0;
    const emptied: Buffer[] = [];
    this.#swarms.forEach((swarm, entry) => {
      const before = swarm.bytes;
      for (let n = 0; n < 4; n++) {
        const arena = swarm.existing(n);
        if (arena === undefined) continue;
        for (let slot = arena.count - 1; slot >= 0; slot--) {
          if (arena.expires(slot) <= now) {
            this.#removeAt(swarm, arena, slot);
            removed++;
          }
        }
      }
      // An emptied swarm is dropped whole after the walk (the table must not change under it); others give
      // back their spare room now.
      if (swarm.count === 0) emptied.push(this.#swarms.keyAt(entry));
      else for (let n = 0; n < 4; n++) swarm.existing(n)?.trim();
      this.#bytes += swarm.bytes - before;
    });
    for (const key of emptied) {
      const swarm = this.#swarms.get(key);
      if (swarm !== undefined) this.#dropSwarm(key, swarm);
    }
    return removed;
  }

  close(): Promise<void> {
    this.#swarms.clear();
    this.#alloc.reset();
    this.#seeders = 0;
    this.#leechers = 0;
    this.#bytes = 0;
    return Promise.resolve();
  }

  #dropSwarm(key: Uint8Array, swarm: Swarm): void {
    this.#swarms.delete(key);
    this.#bytes -= swarm.bytes;
    swarm.release();
  }

  #newArena(swarm: Swarm, n: number): PeerArena {
    const arena = swarm.arena(n);
    this.#bytes += arena.bytes;
    return arena;
  }

  #removeAt(swarm: Swarm, arena: PeerArena, slot: number): void {
    if ((arena.flags(slot) & FLAG_SEEDER) !== 0) this.#adjust(swarm, -1, 0);
    else this.#adjust(swarm, 0, -1);
    this.#ids.release(arena.ref(slot));
    arena.remove(slot);
    swarm.count--;
  }

  #adjust(swarm: Swarm, seeders: number, leechers: number): void {
    swarm.seeders += seeders;
    swarm.leechers += leechers;
    this.#seeders += seeders;
    this.#leechers += leechers;
  }
}
