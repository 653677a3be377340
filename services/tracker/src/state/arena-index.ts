/**
 * The index of one `PeerArena`: an open-addressing table (linear probing, salted multiply-shift home) from an
 * interned peer-id reference to its record's slot. An entry holds slot + 1 in its low bits and a few bits of the
 * reference's hash above them (the tag), so a probe past another peer's entry rarely reads that peer's row; 0 is
 * an empty entry. Entries live in chunks of `CHUNK` carved from the store's `SlabAllocator` (16-bit entries while
 * slots fit in 12 bits, else 32-bit), so growing the index adds chunks and rehashes in place instead of freeing a
 * smaller array. The arena made of it only past `LINEAR_MAX` records; smaller arenas scan their rows.
 */
import { SLAB_SHIFT, u16Index, u32Index, type SlabAllocator } from "./slab-allocator.js";

/** Index load above which it grows, and the load it is rebuilt to. */
export const MAX_LOAD = 0.85;
export const REBUILD_LOAD = 0.65;

/** Index entries per chunk. */
const CHUNK = 64;
const CHUNK_SHIFT = 6;
const CHUNK_MASK = CHUNK - 1;
/** Bits of an entry holding slot + 1. 16-bit entries: 4-bit tag, up to 4,095 records; 32-bit: 8-bit tag up to
 * 16,777,215 records, 1-bit beyond. */
const NARROW_SLOT_BITS = 12;
const WIDE_SLOT_BITS = 24;
const HUGE_SLOT_BITS = 31;

/** Where an index reads the reference a slot holds (the arena's rows). */
export interface RefSource {
  ref(slot: number): number;
}

export class ArenaIndex {
  /** Entries (a multiple of `CHUNK`; 0 only before the first `rebuild`). */
  size = 0;
  /** Bits of an entry holding slot + 1, their mask, and the mask of the tag above them. */
  slotBits = NARROW_SLOT_BITS;
  slotMask = (1 << NARROW_SLOT_BITS) - 1;
  #tagMask = 0xf;
  /** 32-bit entries (the index may come to hold more than 4,095 records before its next rebuild). */
  #wide = false;
  #chunks: number[] = [];
  readonly #salt: number;
  readonly #a: SlabAllocator;

  constructor(salt: number, alloc: SlabAllocator) {
    this.#salt = salt;
    this.#a = alloc;
  }

  /** Bytes of the chunks held. */
  get bytes(): number {
    return this.#chunks.length * this.#chunkBytes();
  }

  #chunkBytes(): number {
    return this.#wide ? CHUNK * 4 : CHUNK * 2;
  }

  /** Salted multiply-shift hash of a reference: its top bits give the home, bits 8.. the tag. */
  hash(ref: number): number {
    return Math.imul(ref ^ this.#salt, 0x9e3779b1) >>> 0;
  }

  /** Home position of a hash. */
  home(hash: number): number {
    return Math.floor((hash * this.size) / 0x1_0000_0000);
  }

  /** The tag of a hash (compared with `entry >>> slotBits`). */
  tag(hash: number): number {
    return (hash >>> 8) & this.#tagMask;
  }

  entry(i: number): number {
    const h = this.#chunks[i >>> CHUNK_SHIFT] ?? 0;
    return this.#wide
      ? (this.#a.u32[h >>> SLAB_SHIFT][u32Index(h) + (i & CHUNK_MASK)] ?? 0)
      : (this.#a.u16[h >>> SLAB_SHIFT][u16Index(h) + (i & CHUNK_MASK)] ?? 0);
  }

  #setEntry(i: number, v: number): void {
    const h = this.#chunks[i >>> CHUNK_SHIFT] ?? 0;
    if (this.#wide) this.#a.u32[h >>> SLAB_SHIFT][u32Index(h) + (i & CHUNK_MASK)] = v;
    else this.#a.u16[h >>> SLAB_SHIFT][u16Index(h) + (i & CHUNK_MASK)] = v;
  }

  /** The first slot whose entry's tag matches and whose row holds `ref`, or -1. */
  find(ref: number, rows: RefSource): number {
    const size = this.size;
    const hash = this.hash(ref);
    const tag = this.tag(hash);
    let i = this.home(hash);
    for (;;) {
      const v = this.entry(i);
      if (v === 0) return -1;
      const slot = (v & this.slotMask) - 1;
      if (v >>> this.slotBits === tag && rows.ref(slot) === ref) return slot;
      i = i + 1 === size ? 0 : i + 1;
    }
  }

  /** Adds the entry of `slot`, which holds `ref`. */
  insert(slot: number, ref: number): void {
    const size = this.size;
    const hash = this.hash(ref);
    let i = this.home(hash);
    while (this.entry(i) !== 0) i = i + 1 === size ? 0 : i + 1;
    this.#setEntry(i, ((this.tag(hash) << this.slotBits) | (slot + 1)) >>> 0);
  }

  /** Backward-shift deletion of the entry pointing at `slot` (which holds `ref`; `rows` gives the others'). */
  delete(slot: number, ref: number, rows: RefSource): void {
    const size = this.size;
    const mask = this.slotMask;
    let i = this.home(this.hash(ref));
    while ((this.entry(i) & mask) !== slot + 1) i = i + 1 === size ? 0 : i + 1;
    let j = i;
    for (;;) {
      j = j + 1 === size ? 0 : j + 1;
      const v = this.entry(j);
      if (v === 0) break;
      const k = this.home(this.hash(rows.ref((v & mask) - 1)));
      const movable = i <= j ? k <= i || k > j : k <= i && k > j;
      if (movable) {
        this.#setEntry(i, v);
        i = j;
      }
    }
    this.#setEntry(i, 0);
  }

  /** Gives every chunk back to the allocator (the index is empty and may be rebuilt). */
  release(): void {
    const bytes = this.#chunkBytes();
    for (const h of this.#chunks) this.#a.free(h, bytes);
    this.#chunks = [];
    this.size = 0;
    this.#wide = false;
  }

  /** Sized for `count` records at the rebuild load (chunks added or freed), cleared, and refilled from `rows`. */
  rebuild(count: number, records: number, rows: RefSource): void {
    const a = this.#a;
    const chunks = Math.max(1, Math.ceil(count / REBUILD_LOAD / CHUNK));
    // Entries must hold slot + 1 of every record the index takes before the arena rebuilds it again.
    const most = Math.floor(chunks * CHUNK * MAX_LOAD);
    const bits = most <= 0xfff ? NARROW_SLOT_BITS : most <= 0xffffff ? WIDE_SLOT_BITS : HUGE_SLOT_BITS;
    const wide = bits !== NARROW_SLOT_BITS;
    if (wide !== this.#wide) {
      this.release();
      this.#wide = wide;
    }
    this.slotBits = bits;
    this.slotMask = bits === HUGE_SLOT_BITS ? 0x7fffffff : (1 << bits) - 1;
    this.#tagMask = (1 << ((wide ? 32 : 16) - bits)) - 1;
    const bytes = this.#chunkBytes();
    while (this.#chunks.length < chunks) this.#chunks.push(a.alloc(bytes));
    while (this.#chunks.length > chunks) a.free(this.#chunks.pop() ?? 0, bytes);
    for (const h of this.#chunks) {
      if (wide) a.u32[h >>> SLAB_SHIFT].fill(0, u32Index(h), u32Index(h) + CHUNK);
      else a.u16[h >>> SLAB_SHIFT].fill(0, u16Index(h), u16Index(h) + CHUNK);
    }
    this.size = chunks * CHUNK;
    for (let s = 0; s < records; s++) this.insert(s, rows.ref(s));
  }
}
