/**
 * Blocks of a few fixed sizes carved from 1 MiB slabs (one `ArrayBuffer` each, with 8-, 16- and 32-bit views),
 * for the memory store's record pages and index chunks. A block is named by a handle, a small integer (slab number
 * and offset in 8-byte units), not by an object: a page costs no JS object, and a freed block goes on its size's
 * free list, so the next block of that size reuses its memory instead of leaving a hole in malloc's heap. Slabs are
 * zero-filled mappings: the part of a slab never handed out is not resident.
 *
 * Handle h: slab `h >>> SLAB_SHIFT`, byte offset `(h & OFFSET_MASK) << 3` (see `byteIndex`, `u16Index`,
 * `u32Index`). Blocks are 8-byte aligned and never span slabs. Contents of a reused block are what its last owner
 * left: callers that need zeros clear the block.
 */
export const SLAB_BYTES = 1 << 20;
/** Handle bits for the offset (in 8-byte units) inside a slab. */
export const SLAB_SHIFT = 17;
export const OFFSET_MASK = (1 << SLAB_SHIFT) - 1;
/** Slabs at most (16 GiB): handles stay below 2^31, small integers for V8. */
export const MAX_SLABS = 1 << 14;

/** Index of a block's first byte in its slab's 8-bit view. */
export const byteIndex = (h: number): number => (h & OFFSET_MASK) << 3;
/** Index of a block's first element in its slab's 16-bit view. */
export const u16Index = (h: number): number => (h & OFFSET_MASK) << 2;
/** Index of a block's first element in its slab's 32-bit view. */
export const u32Index = (h: number): number => (h & OFFSET_MASK) << 1;

export class SlabAllocator {
  /** Views of each slab, by slab number (`h >>> SLAB_SHIFT`). */
  readonly u8: Uint8Array[] = [];
  readonly u16: Uint16Array[] = [];
  readonly u32: Uint32Array[] = [];
  /**
   * The slabs' buffers, for a view of part of one made without `subarray` (which also looks up the species
   * constructor: ≈ 10 % of the memory store's time per announce; see `PeerArena.copyAddresses`).
   */
  readonly buffers: ArrayBuffer[] = [];
  /** Free handles by block size in bytes. */
  readonly #free = new Map<number, number[]>();
  /** Bytes handed out of the last slab so far (the rest of it has never been used). */
  #top = SLAB_BYTES;
  #inUse = 0;
  #freeBytes = 0;

  /** Bytes in blocks currently handed out. */
  get bytesInUse(): number {
    return this.#inUse;
  }

  /** Bytes in freed blocks waiting for reuse. */
  get bytesFree(): number {
    return this.#freeBytes;
  }

  /** Bytes of slabs ever handed out (in use + free): an upper bound of what the blocks make resident. */
  get bytesCarved(): number {
    return this.u8.length === 0 ? 0 : (this.u8.length - 1) * SLAB_BYTES + this.#top;
  }

  /** A block of `bytes` (a multiple of 8, at most `SLAB_BYTES`): a freed one of that size if any. */
  alloc(bytes: number): number {
    if (bytes <= 0 || bytes > SLAB_BYTES || bytes % 8 !== 0) throw new RangeError(`bad block size ${bytes}`);
    const list = this.#free.get(bytes);
    const reused = list?.pop();
    this.#inUse += bytes;
    if (reused !== undefined) {
      this.#freeBytes -= bytes;
      return reused;
    }
    if (this.#top + bytes > SLAB_BYTES) this.#newSlab();
    const h = ((this.u8.length - 1) << SLAB_SHIFT) | (this.#top >>> 3);
    this.#top += bytes;
    return h;
  }

  /** Gives back a block of `bytes` that `alloc(bytes)` returned. */
  free(h: number, bytes: number): void {
    let list = this.#free.get(bytes);
    if (list === undefined) {
      list = [];
      this.#free.set(bytes, list);
    }
    list.push(h);
    this.#inUse -= bytes;
    this.#freeBytes += bytes;
  }

  /** Drops every slab (all handles become invalid). */
  reset(): void {
    this.u8.length = 0;
    this.u16.length = 0;
    this.u32.length = 0;
    this.buffers.length = 0;
    this.#free.clear();
    this.#top = SLAB_BYTES;
    this.#inUse = 0;
    this.#freeBytes = 0;
  }

  #newSlab(): void {
    if (this.u8.length >= MAX_SLABS) throw new RangeError("slab allocator full");
    // The unused tail of the previous slab (smaller than this block) stays untouched, so not resident.
    const buffer = new ArrayBuffer(SLAB_BYTES);
    this.u8.push(new Uint8Array(buffer));
    this.u16.push(new Uint16Array(buffer));
    this.u32.push(new Uint32Array(buffer));
    this.buffers.push(buffer);
    this.#top = 0;
  }
}
