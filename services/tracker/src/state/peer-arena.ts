/**
 * A torrent's peer records, packed without a JS object per peer. Peers live in up to four arenas by kind (TCP/uTP or
 * WebRTC) and address family; an arena holds its records in pages of 128 carved from the store's slabs (see
 * `SlabAllocator`; a page is a handle, not an object), each page a column of rows and a column of addresses:
 *
 *   row (12)  ref (4) interned peer id (see PeerIdTable), key (4) BEP 7/15 key,
 *             meta (4) flags (top 4 bits) + expiry (low 28 bits: seconds since the store's epoch, 8 years)
 *   addr (6 or 18) the compact form itself: IPv4 (4) or IPv6 (16) address, then the port (2, big-endian)
 *
 * so an IPv4 peer costs 18 bytes plus its share of the index (an open-addressing table from peer-id reference to
 * slot, `ArenaIndex`), an announce reads and writes one row (one cache line, not three), and handing out N peers of one family
 * is one or two contiguous copies of the addr column. Removal moves the last record into the freed slot: records
 * stay dense.
 */
import { ArenaIndex, MAX_LOAD, REBUILD_LOAD } from "./arena-index.js";
import { byteIndex, SLAB_SHIFT, u32Index, type SlabAllocator } from "./slab-allocator.js";

export const FLAG_SEEDER = 1;
export const FLAG_V6 = 2;
export const FLAG_WS = 4;
export const FLAG_HAS_KEY = 8;
const EXPIRES_MASK = 0x0fffffff;

/** Records an arena matches by scanning their ids, without an index; past this it builds one. */
const LINEAR_MAX = 32;
/** `trim` drops the index again at or below this many records. */
const LINEAR_BACK = 16;

/** Records per page: pages have one fixed size, so growth never copies records or leaves odd-sized holes. */
export const PAGE = 128;
const PAGE_SHIFT = 7;
const PAGE_MASK = PAGE - 1;
/** A swarm's first page grows 2 → 8 → 32 → 128 records (small swarms stay small, few sizes are ever freed). */
const FIRST_GROWTH = 4;
const FIRST_CAPACITIES = [2, 8, 32, PAGE] as const;

/**
 * A set of peer records of one kind and family, in pages of the store's `SlabAllocator` (handles in `#pages`).
 * A page of capacity c holds the rows in 32-bit words [0, 3c) (slot s: ref at 3s, key at 3s + 1, meta at 3s + 2),
 * then the compact addresses from byte 12c on. Only while there is one page can its capacity be below `PAGE`.
 *
 * Past `LINEAR_MAX` records an `ArenaIndex` maps an id reference to its slot; smaller arenas have none and scan
 * their rows.
 */
export class PeerArena {
  /** Bytes of address + port per peer: 6 (IPv4) or 18 (IPv6). */
  readonly addrLength: 6 | 18;
  count = 0;
  readonly #record: number;
  readonly #a: SlabAllocator;
  #pages: number[] = [];
  /** Capacity of every page (below `PAGE` only while there is one page). */
  #cap: number;
  /** Made past `LINEAR_MAX` records, dropped again at `LINEAR_BACK` (see `trim`). */
  #index: ArenaIndex | undefined = undefined;
  #bytes = 0;
  readonly #salt: number;

  constructor(v6: boolean, salt: number, alloc: SlabAllocator) {
    this.addrLength = v6 ? 18 : 6;
    this.#record = 12 + this.addrLength;
    this.#salt = salt;
    this.#a = alloc;
    this.#cap = FIRST_CAPACITIES[0];
    this.#pages.push(alloc.alloc(this.#pageBytes(this.#cap)));
    this.#recount();
  }

  get capacity(): number {
    return this.#pages.length * this.#cap;
  }

  /** Bytes held by this arena's pages and index (kept up to date as they change: no walk per call). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether `find` and `scan` go through an index (else they scan the records). */
  get indexed(): boolean {
    return this.#index !== undefined;
  }

  /** Gives every page and index chunk back to the allocator; the arena is unusable afterwards. */
  release(): void {
    const pageBytes = this.#pageBytes(this.#cap);
    for (const h of this.#pages) this.#a.free(h, pageBytes);
    this.#pages = [];
    this.#dropIndex();
    this.count = 0;
    this.#bytes = 0;
  }

  #pageBytes(capacity: number): number {
    return (capacity * this.#record + 7) & ~7;
  }

  #recount(): void {
    this.#bytes = this.#pages.length * this.#pageBytes(this.#cap) + (this.#index?.bytes ?? 0);
  }

  /** Words view of the page holding `slot`. */
  #words(slot: number): Uint32Array {
    return this.#a.u32[(this.#pages[slot >>> PAGE_SHIFT] ?? 0) >>> SLAB_SHIFT];
  }

  /** Index of `slot`'s row (its id reference; key at + 1, meta at + 2) in `#words(slot)`. */
  #at(slot: number): number {
    return u32Index(this.#pages[slot >>> PAGE_SHIFT] ?? 0) + (slot & PAGE_MASK) * 3;
  }

  /** Index of `slot`'s compact address in its page's bytes view. */
  #addrAt(slot: number): number {
    return (
      byteIndex(this.#pages[slot >>> PAGE_SHIFT] ?? 0) + 12 * this.#cap + (slot & PAGE_MASK) * this.addrLength
    );
  }

  #bytesOf(slot: number): Uint8Array {
    return this.#a.u8[(this.#pages[slot >>> PAGE_SHIFT] ?? 0) >>> SLAB_SHIFT];
  }

  /**
   * Walks the records of peer id `ref` (all sit in one probe run, or all records when there is no index): the slot
   * of the one at address `ip` (when `sameFamily`) as `found`, else -1; how many there are, and the last keyed one,
   * in `tally`.
   */
  scan(ref: number, ip: Uint8Array, sameFamily: boolean, tally: { same: number; keyed: number }): number {
    const index = this.#index;
    if (index === undefined) {
      for (let slot = 0; slot < this.count; slot++) {
        if (this.ref(slot) !== ref) continue;
        if (sameFamily && this.sameAddress(slot, ip)) return slot;
        if (this.flags(slot) & FLAG_HAS_KEY) tally.keyed = slot;
        tally.same++;
      }
      return -1;
    }
    const size = index.size;
    const hash = index.hash(ref);
    const tag = index.tag(hash);
    const bits = index.slotBits;
    const mask = index.slotMask;
    let i = index.home(hash);
    for (;;) {
      const v = index.entry(i);
      if (v === 0) return -1;
      const slot = (v & mask) - 1;
      if (v >>> bits === tag && this.ref(slot) === ref) {
        if (sameFamily && this.sameAddress(slot, ip)) return slot;
        if (this.flags(slot) & FLAG_HAS_KEY) tally.keyed = slot;
        tally.same++;
      }
      i = i + 1 === size ? 0 : i + 1;
    }
  }

  /** First slot holding `ref`, or -1. */
  find(ref: number): number {
    const index = this.#index;
    if (index === undefined) {
      for (let slot = 0; slot < this.count; slot++) if (this.ref(slot) === ref) return slot;
      return -1;
    }
    return index.find(ref, this);
  }

  ref(slot: number): number {
    return this.#words(slot)[this.#at(slot)] ?? 0;
  }

  key(slot: number): number {
    return this.#words(slot)[this.#at(slot) + 1] ?? 0;
  }

  #meta(slot: number): number {
    return this.#words(slot)[this.#at(slot) + 2] ?? 0;
  }

  flags(slot: number): number {
    return this.#meta(slot) >>> 28;
  }

  expires(slot: number): number {
    return this.#meta(slot) & EXPIRES_MASK;
  }

  /** Copies `n` records' addresses + ports from `slot` on (one page) into `out` at `to`: no `subarray` view. */
  copyAddresses(slot: number, n: number, out: Uint8Array, to: number): void {
    const slab = this.#a.buffers[(this.#pages[slot >>> PAGE_SHIFT] ?? 0) >>> SLAB_SHIFT];
    out.set(new Uint8Array(slab, this.#addrAt(slot), n * this.addrLength), to);
  }

  /** End (exclusive) of the page holding `slot`: records up to there are contiguous in memory. */
  runEnd(slot: number): number {
    return (slot | PAGE_MASK) + 1;
  }

  /** Whether `slot` holds the 16-byte stored address `ip` (of this arena's family). */
  sameAddress(slot: number, ip: Uint8Array): boolean {
    const addr = this.#bytesOf(slot);
    const base = this.#addrAt(slot);
    if (this.addrLength === 6) {
      return (
        addr[base] === ip[12] &&
        addr[base + 1] === ip[13] &&
        addr[base + 2] === ip[14] &&
        addr[base + 3] === ip[15]
      );
    }
    for (let i = 0; i < 16; i++) if (addr[base + i] !== ip[i]) return false;
    return true;
  }

  /** Appends a record for `ref` and returns its slot (fields are written by `write`). */
  add(ref: number): number {
    if (this.count === this.capacity) this.#grow();
    const next = this.count + 1;
    const index = this.#index;
    if (index === undefined ? next > LINEAR_MAX : next > index.size * MAX_LOAD) this.#rebuildIndex(next);
    const slot = this.count++;
    this.#words(slot)[this.#at(slot)] = ref;
    this.#index?.insert(slot, ref);
    return slot;
  }

  write(slot: number, ip: Uint8Array, port: number, flags: number, key: number, expires: number): void {
    const addr = this.#bytesOf(slot);
    const base = this.#addrAt(slot);
    if (this.addrLength === 6) {
      addr[base] = ip[12] ?? 0;
      addr[base + 1] = ip[13] ?? 0;
      addr[base + 2] = ip[14] ?? 0;
      addr[base + 3] = ip[15] ?? 0;
      addr[base + 4] = port >>> 8;
      addr[base + 5] = port & 0xff;
    } else {
      for (let i = 0; i < 16; i++) addr[base + i] = ip[i] ?? 0;
      addr[base + 16] = port >>> 8;
      addr[base + 17] = port & 0xff;
    }
    const words = this.#words(slot);
    const at = this.#at(slot);
    words[at + 1] = key >>> 0;
    words[at + 2] = (((flags & 0xf) << 28) | (expires & EXPIRES_MASK)) >>> 0;
  }

  /** Removes the record in `slot`, moving the last record into it. */
  remove(slot: number): void {
    const index = this.#index;
    index?.delete(slot, this.ref(slot), this);
    const last = this.count - 1;
    if (slot !== last) {
      index?.delete(last, this.ref(last), this);
      const to = this.#words(slot);
      const from = this.#words(last);
      const a = this.#at(slot);
      const b = this.#at(last);
      to[a] = from[b] ?? 0;
      to[a + 1] = from[b + 1] ?? 0;
      to[a + 2] = from[b + 2] ?? 0;
      const toBytes = this.#bytesOf(slot);
      const fromBytes = this.#bytesOf(last);
      const x = this.#addrAt(slot);
      const y = this.#addrAt(last);
      for (let i = 0; i < this.addrLength; i++) toBytes[x + i] = fromBytes[y + i] ?? 0;
      index?.insert(slot, this.ref(slot));
    }
    this.count--;
  }

  /** Gives back spare room after many peers left: whole empty pages, a mostly empty single page, index chunks. */
  trim(): void {
    const pageBytes = this.#pageBytes(this.#cap);
    const needed = Math.max(1, Math.ceil(this.count / PAGE));
    while (this.#pages.length > needed) this.#a.free(this.#pages.pop() ?? 0, pageBytes);
    if (this.#pages.length === 1) {
      const fit = FIRST_CAPACITIES.find((c) => c >= this.count * 2) ?? PAGE;
      if (fit < this.#cap) this.#resizeFirst(fit);
    }
    if (this.#index !== undefined) {
      if (this.count <= LINEAR_BACK) this.#dropIndex();
      else if (this.count < this.#index.size * (REBUILD_LOAD / 2)) this.#rebuildIndex(this.count);
    }
    this.#recount();
  }

  #grow(): void {
    if (this.#pages.length === 1 && this.#cap < PAGE)
      this.#resizeFirst(Math.min(PAGE, this.#cap * FIRST_GROWTH));
    else this.#pages.push(this.#a.alloc(this.#pageBytes(PAGE)));
    this.#recount();
  }

  /** Moves the single page's records into a page of `capacity` (≥ count) and frees the old one. */
  #resizeFirst(capacity: number): void {
    const a = this.#a;
    const old = this.#pages[0] ?? 0;
    const oldCap = this.#cap;
    const next = a.alloc(this.#pageBytes(capacity));
    const n = Math.min(this.count, capacity);
    const fromWords = a.u32[old >>> SLAB_SHIFT];
    const toWords = a.u32[next >>> SLAB_SHIFT];
    toWords.set(fromWords.subarray(u32Index(old), u32Index(old) + 3 * n), u32Index(next));
    const w = this.addrLength;
    const fromAddr = byteIndex(old) + 12 * oldCap;
    a.u8[next >>> SLAB_SHIFT].set(
      a.u8[old >>> SLAB_SHIFT].subarray(fromAddr, fromAddr + n * w),
      byteIndex(next) + 12 * capacity,
    );
    a.free(old, this.#pageBytes(oldCap));
    this.#pages[0] = next;
    this.#cap = capacity;
  }

  #dropIndex(): void {
    this.#index?.release();
    this.#index = undefined;
  }

  /** The index sized for `count` records (made when there is none) and refilled from the rows. */
  #rebuildIndex(count: number): void {
    this.#index ??= new ArenaIndex(this.#salt, this.#a);
    this.#index.rebuild(count, this.count, this);
    this.#recount();
  }
}
