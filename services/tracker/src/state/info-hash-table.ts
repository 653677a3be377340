/**
 * Values keyed by a 20-byte info-hash without a string per lookup: an open-addressing table (linear probing,
 * power-of-two size, at most half full) whose keys are the 20 bytes as five 32-bit words in one `Uint32Array`
 * and whose values sit in a parallel array (`undefined` marks a free entry). The home of a key mixes all five
 * words with a per-table salt, so a client choosing info-hashes cannot aim them at one probe chain.
 */
const WORDS = 5;
const MIN_SIZE = 64;

/** Big-endian word `i` of the 20 bytes at `b`. */
const word = (b: Uint8Array, i: number): number =>
  (((b[i * 4] ?? 0) << 24) |
    ((b[i * 4 + 1] ?? 0) << 16) |
    ((b[i * 4 + 2] ?? 0) << 8) |
    (b[i * 4 + 3] ?? 0)) >>>
  0;

export class InfoHashTable<V> {
  readonly #salt: number;
  #keys: Uint32Array;
  #values: Array<V | undefined>;
  #mask: number;
  #count = 0;

  constructor(salt: number) {
    this.#salt = salt | 0;
    this.#keys = new Uint32Array(MIN_SIZE * WORDS);
    this.#values = new Array<V | undefined>(MIN_SIZE).fill(undefined);
    this.#mask = MIN_SIZE - 1;
  }

  get size(): number {
    return this.#count;
  }

  #home(w0: number, w1: number, w2: number, w3: number, w4: number): number {
    let h = this.#salt;
    h = Math.imul(h ^ w0, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15) ^ w1, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13) ^ w2, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 16) ^ w3, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15) ^ w4, 0x85ebca6b);
    return (h ^ (h >>> 16)) & this.#mask;
  }

  /** Home of the key stored at word `k` of `keys`. */
  #homeOf(keys: Uint32Array, k: number): number {
    return this.#home(keys[k] ?? 0, keys[k + 1] ?? 0, keys[k + 2] ?? 0, keys[k + 3] ?? 0, keys[k + 4] ?? 0);
  }

  /** Entry holding `hash`, or of the free entry where it would go (then `#values[i]` is undefined). */
  #find(hash: Uint8Array): number {
    const w0 = word(hash, 0);
    const w1 = word(hash, 1);
    const w2 = word(hash, 2);
    const w3 = word(hash, 3);
    const w4 = word(hash, 4);
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    let i = this.#home(w0, w1, w2, w3, w4);
    for (;;) {
      if (values[i] === undefined) return i;
      const k = i * WORDS;
      if (
        keys[k] === w0 &&
        keys[k + 1] === w1 &&
        keys[k + 2] === w2 &&
        keys[k + 3] === w3 &&
        keys[k + 4] === w4
      )
        return i;
      i = (i + 1) & mask;
    }
  }

  get(hash: Uint8Array): V | undefined {
    return this.#values[this.#find(hash)];
  }

  /** Adds or replaces the value of `hash` (20 bytes). */
  set(hash: Uint8Array, value: V): void {
    let i = this.#find(hash);
    if (this.#values[i] === undefined) {
      if ((this.#count + 1) * 2 > this.#values.length) {
        this.#resize(this.#values.length * 2);
        i = this.#find(hash);
      }
      for (let w = 0; w < WORDS; w++) this.#keys[i * WORDS + w] = word(hash, w);
      this.#count++;
    }
    this.#values[i] = value;
  }

  /** Removes `hash`; false when it was not there. Not to be called while `forEach` walks the table. */
  delete(hash: Uint8Array): boolean {
    let i = this.#find(hash);
    if (this.#values[i] === undefined) return false;
    // Backward-shift deletion: later entries of the probe chain move up, so no tombstones are left.
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (values[j] === undefined) break;
      const k = j * WORDS;
      const home = this.#homeOf(keys, k);
      // Entry j may fill the hole at i unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      keys.copyWithin(i * WORDS, k, k + WORDS);
      values[i] = values[j];
      i = j;
    }
    values[i] = undefined;
    this.#count--;
    if (this.#values.length > MIN_SIZE && this.#count * 8 < this.#values.length)
      this.#resize(this.#values.length / 2);
    return true;
  }

  /** Calls `fn` with each value and its entry (for `keyAt`); `fn` must not add or delete. */
  forEach(fn: (value: V, entry: number) => void): void {
    const values = this.#values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== undefined) fn(v, i);
    }
  }

  /** The key of an entry `forEach` gave, as a new 20-byte Buffer. */
  keyAt(entry: number): Buffer {
    const b = Buffer.allocUnsafe(20);
    for (let w = 0; w < WORDS; w++) b.writeUInt32BE(this.#keys[entry * WORDS + w] ?? 0, w * 4);
    return b;
  }

  clear(): void {
    this.#keys = new Uint32Array(MIN_SIZE * WORDS);
    this.#values = new Array<V | undefined>(MIN_SIZE).fill(undefined);
    this.#mask = MIN_SIZE - 1;
    this.#count = 0;
  }

  #resize(size: number): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Uint32Array(size * WORDS);
    this.#values = new Array<V | undefined>(size).fill(undefined);
    this.#mask = size - 1;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === undefined) continue;
      const k = i * WORDS;
      let j = this.#homeOf(keys, k);
      while (this.#values[j] !== undefined) j = (j + 1) & this.#mask;
      this.#keys.set(keys.subarray(k, k + WORDS), j * WORDS);
      this.#values[j] = values[i];
    }
  }
}
