/**
 * Interned peer ids: each distinct 20-byte peer id is kept once for the whole store and named by a 32-bit
 * reference (≥ 1) with a count of the records that use it. A client in many swarms (the usual case: one peer
 * id per client session) costs 20 bytes once, and 4 bytes per swarm it is in.
 *
 * Layout: `ids` holds 20 bytes per reference, `uses` its record count; an open-addressing index (linear
 * probing, salted FNV-1a of the id) maps id bytes to references; freed references are reused.
 */
const ID = 20;

/** FNV-1a over the 20 bytes of a peer id, salted per process so peers cannot aim at one probe chain. */
export function hashPeerId(bytes: Uint8Array, offset: number, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < ID; i++) {
    h ^= bytes[offset + i] ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class PeerIdTable {
  /** 20 bytes per reference; reference 0 is never used. */
  ids = new Uint8Array(ID * 16);
  #uses = new Uint32Array(16);
  #index = new Uint32Array(32);
  #mask = 31;
  #size = 0;
  /** Next never-used reference. */
  #next = 1;
  #free: number[] = [];
  readonly #salt: number;

  constructor(salt: number) {
    this.#salt = salt;
  }

  /** Distinct peer ids held. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.ids.byteLength + this.#uses.byteLength + this.#index.byteLength + this.#free.length * 8;
  }

  /** Records using `ref`. */
  uses(ref: number): number {
    return this.#uses[ref] ?? 0;
  }

  /** The reference of a peer id held, or 0. */
  lookup(id: Uint8Array): number {
    let i = hashPeerId(id, 0, this.#salt) & this.#mask;
    for (;;) {
      const ref = this.#index[i] ?? 0;
      if (ref === 0 || this.#equal(ref, id)) return ref;
      i = (i + 1) & this.#mask;
    }
  }

  /** The reference of `id`, added when new; counts one more record using it. */
  acquire(id: Uint8Array): number {
    let ref = this.lookup(id);
    if (ref === 0) {
      if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) this.#rebuild((this.#mask + 1) * 2);
      ref = this.#free.pop() ?? this.#allocate();
      this.ids.set(id.subarray(0, ID), ref * ID);
      this.#insert(ref);
      this.#size++;
    }
    this.#uses[ref] = (this.#uses[ref] ?? 0) + 1;
    return ref;
  }

  /** One record fewer uses `ref`; the id goes when none does. */
  release(ref: number): void {
    const left = (this.#uses[ref] ?? 0) - 1;
    this.#uses[ref] = left;
    if (left > 0) return;
    this.#delete(ref);
    this.#free.push(ref);
    this.#size--;
    if (this.#size === 0) this.#reset();
  }

  /** Copies the id of `ref` into `out` at `offset`. */
  copyId(ref: number, out: Uint8Array, offset: number): void {
    out.set(this.ids.subarray(ref * ID, ref * ID + ID), offset);
  }

  #equal(ref: number, id: Uint8Array): boolean {
    const ids = this.ids;
    const base = ref * ID;
    for (let i = 0; i < ID; i++) if (ids[base + i] !== id[i]) return false;
    return true;
  }

  #allocate(): number {
    const ref = this.#next++;
    if (ref >= this.#uses.length) {
      const capacity = this.#uses.length * 2;
      const uses = new Uint32Array(capacity);
      uses.set(this.#uses);
      this.#uses = uses;
      const ids = new Uint8Array(capacity * ID);
      ids.set(this.ids);
      this.ids = ids;
    }
    return ref;
  }

  #insert(ref: number): void {
    let i = hashPeerId(this.ids, ref * ID, this.#salt) & this.#mask;
    while ((this.#index[i] ?? 0) !== 0) i = (i + 1) & this.#mask;
    this.#index[i] = ref;
  }

  /** Backward-shift deletion of `ref` from the index. */
  #delete(ref: number): void {
    const mask = this.#mask;
    const index = this.#index;
    let i = hashPeerId(this.ids, ref * ID, this.#salt) & mask;
    while (index[i] !== ref) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const v = index[j] ?? 0;
      if (v === 0) break;
      const k = hashPeerId(this.ids, v * ID, this.#salt) & mask;
      const movable = i <= j ? k <= i || k > j : k <= i && k > j;
      if (movable) {
        index[i] = v;
        i = j;
      }
    }
    index[i] = 0;
  }

  #rebuild(size: number): void {
    const old = this.#index;
    this.#index = new Uint32Array(size);
    this.#mask = size - 1;
    for (const ref of old) if (ref !== 0) this.#insert(ref);
  }

  /** Gives the memory back when the last id went. */
  #reset(): void {
    this.ids = new Uint8Array(ID * 16);
    this.#uses = new Uint32Array(16);
    this.#index = new Uint32Array(32);
    this.#mask = 31;
    this.#next = 1;
    this.#free = [];
  }
}
