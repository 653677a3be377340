/**
 * One torrent's peers: its counts and up to four `PeerArena`s (TCP/uTP or WebRTC peers, by address family), and
 * the rule that finds which record an announce addresses (`Swarm.match`). The packed record layout is described
 * in peer-arena.ts.
 */
import { PeerArena } from "./peer-arena.js";
import { isMappedIPv4 } from "./peer-address.js";
import type { SlabAllocator } from "./slab-allocator.js";

/** Records one peer id may have at different addresses in one swarm (keyless peers are id + address). */
export const MAX_ADDRESSES_PER_ID = 4;
export const MATCH_NONE = -1;
export const MATCH_KEY_MISMATCH = -2;
export const MATCH_CROWDED = -3;

/** Arena number of a peer: WebRTC peers apart, then by address family. */
export const arenaOf = (ws: boolean, v6: boolean): number => (ws ? 2 : 0) | (v6 ? 1 : 0);

/** Where `Swarm.match` found a record: arena number and slot packed in one number (≥ 0). */
export const locationOf = (arena: number, slot: number): number => slot * 4 + arena;
export const arenaAt = (location: number): number => location & 3;
export const slotAt = (location: number): number => Math.floor(location / 4);

/** Scratch of `Swarm.match` (one for all swarms: no allocation per announce, and a line that stays cached). */
const tally = { same: 0, keyed: -1 };

/**
 * One torrent: its counts and its four arenas. The arenas are fields, not an array (an array is two more objects
 * to reach an arena through, each a likely cache miss when the swarm was not used lately).
 */
export class Swarm {
  count = 0;
  seeders = 0;
  leechers = 0;
  downloaded = 0;
  #a0: PeerArena | undefined = undefined;
  #a1: PeerArena | undefined = undefined;
  #a2: PeerArena | undefined = undefined;
  #a3: PeerArena | undefined = undefined;
  readonly #salt: number;
  readonly #alloc: SlabAllocator;

  constructor(salt: number, alloc: SlabAllocator) {
    this.#salt = salt;
    this.#alloc = alloc;
  }

  /** Gives every arena's memory back to the allocator (the swarm is being dropped). */
  release(): void {
    for (let n = 0; n < 4; n++) this.existing(n)?.release();
    this.#a0 = this.#a1 = this.#a2 = this.#a3 = undefined;
  }

  /** Bytes held by this swarm's arrays. */
  get bytes(): number {
    let bytes = 0;
    for (let n = 0; n < 4; n++) bytes += this.existing(n)?.bytes ?? 0;
    return bytes;
  }

  /** Arena `n` (see `arenaOf`) if it was made. */
  existing(n: number): PeerArena | undefined {
    return n === 0 ? this.#a0 : n === 1 ? this.#a1 : n === 2 ? this.#a2 : this.#a3;
  }

  /** Arena `n` (see `arenaOf`), made when first needed. */
  arena(n: number): PeerArena {
    const a = this.existing(n);
    if (a !== undefined) return a;
    const made = new PeerArena((n & 1) === 1, this.#salt, this.#alloc);
    if (n === 0) this.#a0 = made;
    else if (n === 1) this.#a1 = made;
    else if (n === 2) this.#a2 = made;
    else this.#a3 = made;
    return made;
  }

  /**
   * The record an announce of peer id `ref` from `ip` with `key` addresses (a location, see `locationOf`): the
   * record of this peer id at this address; else the keyed record of this peer id elsewhere when `key` matches
   * it (the peer moved). `MATCH_NONE` when the announce is a new peer, `MATCH_KEY_MISMATCH` when a keyed record
   * holds the id under another key, `MATCH_CROWDED` when the id is already listed from
   * `MAX_ADDRESSES_PER_ID` addresses.
   */
  match(ref: number, ip: Uint8Array, key: number | undefined): number {
    if (ref === 0) return MATCH_NONE;
    const v6 = !isMappedIPv4(ip);
    let keyed = -1;
    tally.same = 0;
    for (let n = 0; n < 4; n++) {
      const a = this.existing(n);
      if (a === undefined || a.count === 0) continue;
      tally.keyed = -1;
      const exact = a.scan(ref, ip, ((n & 1) === 1) === v6, tally);
      if (exact >= 0) return locationOf(n, exact);
      if (tally.keyed >= 0) keyed = locationOf(n, tally.keyed);
    }
    const same = tally.same;
    if (keyed >= 0) {
      const a = this.existing(arenaAt(keyed)) as PeerArena;
      return key !== undefined && key >>> 0 === a.key(slotAt(keyed)) ? keyed : MATCH_KEY_MISMATCH;
    }
    return same >= MAX_ADDRESSES_PER_ID ? MATCH_CROWDED : MATCH_NONE;
  }
}
