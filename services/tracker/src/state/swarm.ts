/**
 * One torrent's peers, packed without a JS object per peer. Peers live in up to four arenas by kind (TCP/uTP or
 * WebRTC) and address family; an arena is a set of columns (typed arrays) indexed by slot:
 *
 *   ref (4)  interned peer id (see PeerIdTable)   | key (4)  BEP 7/15 key
 *   meta (4) flags (top 4 bits) + expiry (low 28 bits: seconds since the store's epoch, 8 years)
 *   addr (6 or 18) the compact form itself: IPv4 (4) or IPv6 (16) address, then the port (2, big-endian)
 *
 * so an IPv4 peer costs 18 bytes plus its share of the index (an open-addressing table from peer-id reference to
 * slot), and handing out N peers of one family is one or two contiguous copies of the addr column. Removal moves
 * the last record into the freed slot: records stay dense.
 */
import { isMappedIPv4 } from "./peer-address.js";

export const FLAG_SEEDER = 1;
export const FLAG_V6 = 2;
export const FLAG_WS = 4;
export const FLAG_HAS_KEY = 8;
const EXPIRES_MASK = 0x0fffffff;

/** Records one peer id may have at different addresses in one swarm (keyless peers are id + address). */
export const MAX_ADDRESSES_PER_ID = 4;
export const MATCH_NONE = -1;
export const MATCH_KEY_MISMATCH = -2;
export const MATCH_CROWDED = -3;

/** Index load above which it grows, and the load it is rebuilt to. */
const MAX_LOAD = 0.85;
const REBUILD_LOAD = 0.65;

/** Arena number of a peer: WebRTC peers apart, then by address family. */
export const arenaOf = (ws: boolean, v6: boolean): number => (ws ? 2 : 0) | (v6 ? 1 : 0);

/** Records per page: pages have one fixed size, so growth never copies records or leaves odd-sized holes. */
export const PAGE = 128;
const PAGE_SHIFT = 7;
const PAGE_MASK = PAGE - 1;

/**
 * One page of every column, in two typed arrays (few JS objects per page): `words` holds the id references
 * [0, capacity), keys [capacity, 2 × capacity) and meta words [2 × capacity, 3 × capacity); `addr` the
 * compact addresses.
 */
class Page {
  readonly capacity: number;
  readonly words: Uint32Array;
  readonly addr: Uint8Array;
  constructor(capacity: number, addrLength: number) {
    this.capacity = capacity;
    // One allocation for both columns: one backing store (and one ArrayBuffer object) a page.
    const buffer = new ArrayBuffer(capacity * (12 + addrLength));
    this.words = new Uint32Array(buffer, 0, capacity * 3);
    this.addr = new Uint8Array(buffer, capacity * 12, capacity * addrLength);
  }
  get bytes(): number {
    return this.words.byteLength + this.addr.byteLength;
  }
}

export class PeerArena {
  /** Bytes of address + port per peer: 6 (IPv4) or 18 (IPv6). */
  readonly addrLength: 6 | 18;
  count = 0;
  /**
   * Columns in pages of `PAGE` records; the first page starts small and doubles up to `PAGE` (small swarms stay
   * small), then whole pages are added and dropped.
   */
  #pages: Page[];
  #index: Uint16Array | Uint32Array;
  #bytes = 0;
  readonly #salt: number;

  constructor(v6: boolean, salt: number, capacity = 2) {
    this.addrLength = v6 ? 18 : 6;
    this.#salt = salt;
    this.#pages = [new Page(Math.min(PAGE, capacity), this.addrLength)];
    this.#index = new Uint16Array(4);
    this.#recount();
  }

  get capacity(): number {
    const pages = this.#pages;
    return pages.length === 1 ? (pages[0]?.capacity ?? 0) : pages.length * PAGE;
  }

  /** Bytes held by this arena's arrays (kept up to date as pages and the index change: no walk per call). */
  get bytes(): number {
    return this.#bytes;
  }

  #recount(): void {
    let n = this.#index.byteLength;
    for (const p of this.#pages) n += p.bytes;
    this.#bytes = n;
  }

  #page(slot: number): Page {
    return this.#pages[slot >>> PAGE_SHIFT];
  }

  /** Home position of a reference in an index of `size` entries (multiply-shift, salted). */
  #home(ref: number, size: number): number {
    return Math.floor(((Math.imul(ref ^ this.#salt, 0x9e3779b1) >>> 0) * size) / 0x1_0000_0000);
  }

  /**
   * Walks the records of peer id `ref` (all sit in one probe run): the slot of the one at address `ip` (when
   * `sameFamily`) as `found`, else -1; how many there are, and the last keyed one, in `tally`.
   */
  scan(ref: number, ip: Uint8Array, sameFamily: boolean, tally: { same: number; keyed: number }): number {
    const index = this.#index;
    const size = index.length;
    let i = this.#home(ref, size);
    for (;;) {
      const v = index[i] ?? 0;
      if (v === 0) return -1;
      const slot = v - 1;
      const page = this.#page(slot);
      const at = slot & PAGE_MASK;
      if (page.words[at] === ref) {
        if (sameFamily && this.sameAddress(slot, ip)) return slot;
        if (((page.words[2 * page.capacity + at] ?? 0) >>> 28) & FLAG_HAS_KEY) tally.keyed = slot;
        tally.same++;
      }
      i = i + 1 === size ? 0 : i + 1;
    }
  }

  /** First slot holding `ref`, or -1. */
  find(ref: number): number {
    const index = this.#index;
    const size = index.length;
    let i = this.#home(ref, size);
    for (;;) {
      const v = index[i] ?? 0;
      if (v === 0) return -1;
      if (this.ref(v - 1) === ref) return v - 1;
      i = i + 1 === size ? 0 : i + 1;
    }
  }

  ref(slot: number): number {
    return this.#page(slot).words[slot & PAGE_MASK] ?? 0;
  }

  key(slot: number): number {
    const page = this.#page(slot);
    return page.words[page.capacity + (slot & PAGE_MASK)] ?? 0;
  }

  #meta(slot: number): number {
    const page = this.#page(slot);
    return page.words[2 * page.capacity + (slot & PAGE_MASK)] ?? 0;
  }

  flags(slot: number): number {
    return this.#meta(slot) >>> 28;
  }

  expires(slot: number): number {
    return this.#meta(slot) & EXPIRES_MASK;
  }

  /** The compact address + port of `n` records from `slot` on (all within one page: see `runEnd`). */
  addressRun(slot: number, n: number): Uint8Array {
    const w = this.addrLength;
    const at = (slot & PAGE_MASK) * w;
    return this.#page(slot).addr.subarray(at, at + n * w);
  }

  /** End (exclusive) of the page holding `slot`: records up to there are contiguous in memory. */
  runEnd(slot: number): number {
    return (slot | PAGE_MASK) + 1;
  }

  /** Whether `slot` holds the 16-byte stored address `ip` (of this arena's family). */
  sameAddress(slot: number, ip: Uint8Array): boolean {
    const addr = this.#page(slot).addr;
    if (this.addrLength === 6) {
      const base = (slot & PAGE_MASK) * 6;
      return (
        addr[base] === ip[12] &&
        addr[base + 1] === ip[13] &&
        addr[base + 2] === ip[14] &&
        addr[base + 3] === ip[15]
      );
    }
    const base = (slot & PAGE_MASK) * 18;
    for (let i = 0; i < 16; i++) if (addr[base + i] !== ip[i]) return false;
    return true;
  }

  /** Appends a record for `ref` and returns its slot (fields are written by `write`). */
  add(ref: number): number {
    if (this.count === this.capacity) this.#grow();
    if (this.count + 1 > this.#index.length * MAX_LOAD) this.#rebuildIndex(this.count + 1);
    const slot = this.count++;
    this.#page(slot).words[slot & PAGE_MASK] = ref;
    this.#insert(slot);
    return slot;
  }

  write(slot: number, ip: Uint8Array, port: number, flags: number, key: number, expires: number): void {
    const page = this.#page(slot);
    const at = slot & PAGE_MASK;
    const addr = page.addr;
    if (this.addrLength === 6) {
      const base = at * 6;
      addr[base] = ip[12] ?? 0;
      addr[base + 1] = ip[13] ?? 0;
      addr[base + 2] = ip[14] ?? 0;
      addr[base + 3] = ip[15] ?? 0;
      addr[base + 4] = port >>> 8;
      addr[base + 5] = port & 0xff;
    } else {
      const base = at * 18;
      addr.set(ip.subarray(0, 16), base);
      addr[base + 16] = port >>> 8;
      addr[base + 17] = port & 0xff;
    }
    page.words[page.capacity + at] = key >>> 0;
    page.words[2 * page.capacity + at] = (((flags & 0xf) << 28) | (expires & EXPIRES_MASK)) >>> 0;
  }

  /** Removes the record in `slot`, moving the last record into it. */
  remove(slot: number): void {
    this.#deleteIndexOf(slot);
    const last = this.count - 1;
    if (slot !== last) {
      this.#deleteIndexOf(last);
      const to = this.#page(slot);
      const from = this.#page(last);
      const a = slot & PAGE_MASK;
      const b = last & PAGE_MASK;
      for (let c = 0; c < 3; c++) to.words[c * to.capacity + a] = from.words[c * from.capacity + b] ?? 0;
      const w = this.addrLength;
      to.addr.set(from.addr.subarray(b * w, b * w + w), a * w);
      this.#insert(slot);
    }
    this.count--;
  }

  /** Gives back spare room after many peers left: whole empty pages, or a mostly empty single page. */
  trim(): void {
    const pages = this.#pages;
    const needed = Math.max(1, Math.ceil(this.count / PAGE));
    if (pages.length > needed) pages.length = needed;
    const first = pages[0];
    if (pages.length === 1 && first.capacity > 8 && this.count * 4 < first.capacity) {
      this.#resizeFirst(Math.max(4, this.count * 2));
    }
    if (this.#index.length > 8 && this.count < this.#index.length * (REBUILD_LOAD / 2))
      this.#rebuildIndex(this.count);
    this.#recount();
  }

  #grow(): void {
    const pages = this.#pages;
    const first = pages[0];
    if (pages.length === 1 && first.capacity < PAGE) this.#resizeFirst(Math.min(PAGE, first.capacity * 2));
    else pages.push(new Page(PAGE, this.addrLength));
    this.#recount();
  }

  #resizeFirst(capacity: number): void {
    const old = this.#pages[0];
    const next = new Page(capacity, this.addrLength);
    const n = Math.min(this.count, capacity);
    for (let c = 0; c < 3; c++)
      next.words.set(old.words.subarray(c * old.capacity, c * old.capacity + n), c * capacity);
    next.addr.set(old.addr.subarray(0, n * this.addrLength));
    this.#pages[0] = next;
  }

  #insert(slot: number): void {
    const index = this.#index;
    const size = index.length;
    let i = this.#home(this.ref(slot), size);
    while ((index[i] ?? 0) !== 0) i = i + 1 === size ? 0 : i + 1;
    index[i] = slot + 1;
  }

  /** Backward-shift deletion of the index entry pointing at `slot`. */
  #deleteIndexOf(slot: number): void {
    const index = this.#index;
    const size = index.length;
    let i = this.#home(this.ref(slot), size);
    while (index[i] !== slot + 1) i = i + 1 === size ? 0 : i + 1;
    let j = i;
    for (;;) {
      j = j + 1 === size ? 0 : j + 1;
      const v = index[j] ?? 0;
      if (v === 0) break;
      const k = this.#home(this.ref(v - 1), size);
      const movable = i <= j ? k <= i || k > j : k <= i && k > j;
      if (movable) {
        index[i] = v;
        i = j;
      }
    }
    index[i] = 0;
  }

  /** A new index sized for `count` records at the rebuild load. */
  #rebuildIndex(count: number): void {
    const size = Math.max(4, Math.ceil(count / REBUILD_LOAD));
    // slot + 1 ≤ count < size fits 16 bits while the table has at most 65535 entries.
    this.#index = size <= 0xffff ? new Uint16Array(size) : new Uint32Array(size);
    for (let s = 0; s < this.count; s++) this.#insert(s);
    this.#recount();
  }
}

/** Where `Swarm.match` found a record: arena number and slot packed in one number (≥ 0). */
export const locationOf = (arena: number, slot: number): number => slot * 4 + arena;
export const arenaAt = (location: number): number => location & 3;
export const slotAt = (location: number): number => Math.floor(location / 4);

export class Swarm {
  /** Arenas by `arenaOf(ws, v6)`, made when first needed. */
  readonly arenas: Array<PeerArena | undefined> = [undefined, undefined, undefined, undefined];
  count = 0;
  seeders = 0;
  leechers = 0;
  downloaded = 0;
  readonly #salt: number;
  /** Scratch of `match` (no allocation per announce). */
  readonly #tally = { same: 0, keyed: -1 };

  constructor(salt: number) {
    this.#salt = salt;
  }

  /** Bytes held by this swarm's arrays. */
  get bytes(): number {
    let n = 0;
    for (const a of this.arenas) if (a) n += a.bytes;
    return n;
  }

  arena(n: number): PeerArena {
    let a = this.arenas[n];
    if (a === undefined) {
      a = new PeerArena((n & 1) === 1, this.#salt);
      this.arenas[n] = a;
    }
    return a;
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
    const tally = this.#tally;
    tally.same = 0;
    for (let n = 0; n < 4; n++) {
      const a = this.arenas[n];
      if (a === undefined || a.count === 0) continue;
      tally.keyed = -1;
      const exact = a.scan(ref, ip, ((n & 1) === 1) === v6, tally);
      if (exact >= 0) return locationOf(n, exact);
      if (tally.keyed >= 0) keyed = locationOf(n, tally.keyed);
    }
    const same = tally.same;
    if (keyed >= 0) {
      const a = this.arenas[arenaAt(keyed)] as PeerArena;
      return key !== undefined && key >>> 0 === a.key(slotAt(keyed)) ? keyed : MATCH_KEY_MISMATCH;
    }
    return same >= MAX_ADDRESSES_PER_ID ? MATCH_CROWDED : MATCH_NONE;
  }
}
