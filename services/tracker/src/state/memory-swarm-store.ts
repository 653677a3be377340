import { randomInt } from "node:crypto";
import type { Clock } from "@switchboard/runtime";
import type { SelectedPeers, SwarmCounts } from "@switchboard/protocol";
import { PeerIdTable } from "./peer-id-table.js";
import { FLAG_HAS_KEY, FLAG_SEEDER, type PeerArena } from "./peer-arena.js";
import { arenaAt, arenaOf, MATCH_CROWDED, MATCH_KEY_MISMATCH, slotAt, Swarm } from "./swarm.js";
import { InfoHashTable } from "./info-hash-table.js";
import { isMappedIPv4 } from "./peer-address.js";
import { SlabAllocator } from "./slab-allocator.js";
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
    return {
      ok: true,
      counts: countsOf(swarm),
      peers: selectPeers(swarm, this.#ids, target, slot, select, update.kind),
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

/**
 * Copies up to `want` records of `arena` from `start` (wrapping, skipping `self`) into `compact` from byte
 * `compactAt` (and their ids into `idsOut`) from record `at` on: contiguous runs of the address column (up to a
 * page end) are copied whole.
 * The caller asks for no more than the arena has besides `self`.
 */
function takeRun(
  arena: PeerArena,
  ids: PeerIdTable,
  start: number,
  want: number,
  self: number,
  compact: Uint8Array | undefined,
  idsOut: Uint8Array | undefined,
  at: number,
  compactAt: number,
): number {
  const n = arena.count;
  const w = arena.addrLength;
  let k = 0;
  let j = start;
  while (k < want) {
    if (j >= n) j = 0;
    if (j === self) {
      j++;
      continue;
    }
    let end = Math.min(n, arena.runEnd(j));
    if (self > j && self < end) end = self;
    const take = Math.min(end - j, want - k);
    if (compact) compact.set(arena.addressRun(j, take), compactAt + (at + k) * w);
    if (idsOut) for (let t = 0; t < take; t++) ids.copyId(arena.ref(j + t), idsOut, (at + k + t) * 20);
    k += take;
    j += take;
  }
  return k;
}

/** Peers of one arena on offer to the announcing peer (itself left out). */
function available(swarm: Swarm, n: number, selfArena: number, self: number): number {
  const a = swarm.existing(n);
  if (a === undefined) return 0;
  return a.count - (n === selfArena && self >= 0 ? 1 : 0);
}

const EMPTY = new Uint8Array(0);

const randomStart = (n: number): number => (n > 1 ? Math.floor(Math.random() * n) : 0);

/**
 * Up to `numwant` peers of the same kind as the announcing one, never itself, starting from a random slot
 * so every peer gets handed out in turn; with both families, each gets its share of `numwant`.
 */
export function selectPeers(
  swarm: Swarm,
  ids: PeerIdTable,
  selfArena: number,
  self: number,
  select: PeerSelection,
  kind: "ip" | "ws",
): SelectedPeers {
  const wantWs = kind === "ws";
  const base = wantWs ? 2 : 0;
  const have4 = select.family === "v6" ? 0 : available(swarm, base, selfArena, self);
  const have6 = select.family === "v4" ? 0 : available(swarm, base + 1, selfArena, self);
  const want = Math.min(select.numwant, have4 + have6);
  if (want <= 0) return EMPTY_PEERS;
  // Each family's share, in proportion to what it has.
  const want4 = have6 === 0 ? want : Math.min(have4, Math.round((want * have4) / (have4 + have6)));
  const want6 = Math.min(have6, want - want4);
  if (wantWs) {
    const out = Buffer.allocUnsafe((want4 + want6) * 20);
    let got = 0;
    for (const [n, w] of [
      [base, want4],
      [base + 1, want6],
    ] as const) {
      const a = swarm.existing(n);
      if (a === undefined || w === 0) continue;
      got += takeRun(a, ids, randomStart(a.count), w, n === selfArena ? self : -1, undefined, out, got, 0);
    }
    return { ...EMPTY_PEERS, wsPeerIds: out.subarray(0, got * 20) };
  }
  const a4 = swarm.existing(0);
  const a6 = swarm.existing(1);
  const into = select.into;
  if (into !== undefined && !select.withIds && (want4 === 0 || want6 === 0)) {
    // One family: written straight into the caller's buffer when it fits.
    const at = into.at;
    const bytes = (want4 + want6) * (want4 > 0 ? 6 : 18);
    if (at + bytes <= into.end && into.end <= into.bytes.length) {
      const a = want4 > 0 ? a4 : a6;
      const self_ = (want4 > 0 ? 0 : 1) === selfArena ? self : -1;
      if (a) takeRun(a, ids, randomStart(a.count), want4 + want6, self_, into.bytes, undefined, 0, at);
      into.written = bytes;
      return EMPTY_PEERS;
    }
  }
  // takeRun always fills what it is asked for (want4 ≤ have4, want6 ≤ have6): no trimming afterwards.
  const c4 = want4 > 0 ? Buffer.allocUnsafe(want4 * 6) : EMPTY;
  const c6 = want6 > 0 ? Buffer.allocUnsafe(want6 * 18) : EMPTY;
  const i4 = select.withIds ? Buffer.allocUnsafe(want4 * 20) : undefined;
  const i6 = select.withIds ? Buffer.allocUnsafe(want6 * 20) : undefined;
  if (a4 && want4 > 0)
    takeRun(a4, ids, randomStart(a4.count), want4, selfArena === 0 ? self : -1, c4, i4, 0, 0);
  if (a6 && want6 > 0)
    takeRun(a6, ids, randomStart(a6.count), want6, selfArena === 1 ? self : -1, c6, i6, 0, 0);
  return { compact4: c4, compact6: c6, ids4: i4, ids6: i6, wsPeerIds: EMPTY };
}
