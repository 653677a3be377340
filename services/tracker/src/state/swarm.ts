/**
 * One torrent's peers, packed: a single Buffer of fixed 48-byte records (no JS object per peer) plus an
 * open-addressing index (linear probing) from peer id to record slot. Removal moves the last record into the
 * freed slot, so records stay dense and iteration is a plain loop.
 *
 * Record (46 bytes): peer id (20) | address (16, IPv4-mapped for IPv4) | port (2, BE) | key (4) |
 *         flags (top 4 bits) and expiry (low 28 bits, seconds since the store's epoch: 8 years) (4).
 */
export const RECORD_SIZE = 46;
const ADDR = 20;
const PORT = 36;
const KEY = 38;
const META = 42;
const EXPIRES_MASK = 0x0fffffff;

export const FLAG_SEEDER = 1;
export const FLAG_V6 = 2;
export const FLAG_WS = 4;
export const FLAG_HAS_KEY = 8;

/** Records one peer id may have at different addresses in one swarm (keyless peers are id + address). */
export const MAX_ADDRESSES_PER_ID = 4;
export const MATCH_NONE = -1;
export const MATCH_KEY_MISMATCH = -2;
export const MATCH_CROWDED = -3;

/** FNV-1a over the 20 bytes of a peer id, salted per process so peers cannot aim at one probe chain. */
export function hashPeerId(bytes: Uint8Array, offset: number, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < 20; i++) {
    h ^= bytes[offset + i] ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function equalId(records: Buffer, slot: number, id: Uint8Array): boolean {
  const base = slot * RECORD_SIZE;
  for (let i = 0; i < 20; i++) if (records[base + i] !== id[i]) return false;
  return true;
}

/** Doubling while small, then +25 %: little slack per peer held, amortised copying. */
function growCapacity(capacity: number): number {
  return capacity < 64 ? Math.max(4, capacity * 2) : Math.ceil(capacity * 1.25);
}

export class Swarm {
  records: Buffer;
  count = 0;
  seeders = 0;
  leechers = 0;
  downloaded = 0;
  #index: Uint16Array | Uint32Array;
  #mask: number;
  readonly #salt: number;

  constructor(salt: number, capacity = 2) {
    this.#salt = salt;
    this.records = Buffer.allocUnsafeSlow(capacity * RECORD_SIZE);
    this.#index = new Uint16Array(4);
    this.#mask = 3;
  }

  get capacity(): number {
    return this.records.length / RECORD_SIZE;
  }

  /** Bytes held by this swarm's buffers. */
  get bytes(): number {
    return this.records.length + this.#index.byteLength;
  }

  /** Slot of the first record of a peer id, or -1. */
  find(peerId: Uint8Array): number {
    let i = hashPeerId(peerId, 0, this.#salt) & this.#mask;
    for (;;) {
      const v = this.#index[i] ?? 0;
      if (v === 0) return -1;
      if (equalId(this.records, v - 1, peerId)) return v - 1;
      i = (i + 1) & this.#mask;
    }
  }

  /**
   * The slot an announce from `ip` with `key` addresses: the record of this peer id at this address; else the
   * keyed record of this peer id elsewhere when `key` matches it (the peer moved). `MATCH_NONE` when the
   * announce is a new peer, `MATCH_KEY_MISMATCH` when a keyed record holds the id under another key,
   * `MATCH_CROWDED` when the id is already listed from `MAX_ADDRESSES_PER_ID` addresses. Every record of one
   * peer id sits in one probe chain (the index hashes the id only), so this is one walk.
   */
  match(peerId: Uint8Array, ip: Uint8Array, key: number | undefined): number {
    let keyed = -1;
    let same = 0;
    let i = hashPeerId(peerId, 0, this.#salt) & this.#mask;
    for (;;) {
      const v = this.#index[i] ?? 0;
      if (v === 0) break;
      const slot = v - 1;
      if (equalId(this.records, slot, peerId)) {
        if (this.sameAddress(slot, ip)) return slot;
        if ((this.flags(slot) & FLAG_HAS_KEY) !== 0) keyed = slot;
        same++;
      }
      i = (i + 1) & this.#mask;
    }
    if (keyed >= 0) return key !== undefined && key >>> 0 === this.key(keyed) ? keyed : MATCH_KEY_MISMATCH;
    return same >= MAX_ADDRESSES_PER_ID ? MATCH_CROWDED : MATCH_NONE;
  }

  flags(slot: number): number {
    return this.records.readUInt32BE(slot * RECORD_SIZE + META) >>> 28;
  }

  key(slot: number): number {
    return this.records.readUInt32BE(slot * RECORD_SIZE + KEY);
  }

  expires(slot: number): number {
    return this.records.readUInt32BE(slot * RECORD_SIZE + META) & EXPIRES_MASK;
  }

  sameAddress(slot: number, ip: Uint8Array): boolean {
    const base = slot * RECORD_SIZE + ADDR;
    for (let i = 0; i < 16; i++) if (this.records[base + i] !== ip[i]) return false;
    return true;
  }

  /** Appends a peer (the caller checked `match`) and returns its slot. */
  add(peerId: Uint8Array): number {
    if (this.count === this.capacity) this.#resizeRecords(growCapacity(this.capacity));
    if ((this.count + 1) * 4 > (this.#mask + 1) * 3) this.#rebuildIndex((this.#mask + 1) * 2);
    const slot = this.count++;
    this.records.set(peerId, slot * RECORD_SIZE);
    this.#insert(slot);
    return slot;
  }

  /** Writes everything but the peer id. */
  write(
    slot: number,
    opts: { ip: Uint8Array; port: number; flags: number; key: number; expires: number },
  ): void {
    const base = slot * RECORD_SIZE;
    this.records.set(opts.ip, base + ADDR);
    this.records.writeUInt16BE(opts.port, base + PORT);
    this.records.writeUInt32BE(opts.key >>> 0, base + KEY);
    this.records.writeUInt32BE(
      (((opts.flags & 0xf) << 28) | (opts.expires & EXPIRES_MASK)) >>> 0,
      base + META,
    );
  }

  /** Removes the peer in `slot`, moving the last record into it. */
  remove(slot: number): void {
    this.#deleteIndexOf(slot);
    const last = this.count - 1;
    if (slot !== last) {
      this.#deleteIndexOf(last);
      this.records.copy(this.records, slot * RECORD_SIZE, last * RECORD_SIZE, (last + 1) * RECORD_SIZE);
      this.#insert(slot);
    }
    this.count--;
  }

  /** Gives back spare room after many peers left. */
  trim(): void {
    if (this.capacity > 8 && this.count * 2 < this.capacity)
      this.#resizeRecords(Math.max(4, this.count + (this.count >> 2)));
    const size = this.#mask + 1;
    if (size > 8 && this.count * 8 < size) {
      let n = 4;
      while (n * 3 < this.count * 4 + 4) n *= 2;
      this.#rebuildIndex(n);
    }
  }

  #insert(slot: number): void {
    let i = hashPeerId(this.records, slot * RECORD_SIZE, this.#salt) & this.#mask;
    while ((this.#index[i] ?? 0) !== 0) i = (i + 1) & this.#mask;
    this.#index[i] = slot + 1;
  }

  /** Backward-shift deletion of the index entry pointing at `slot`. */
  #deleteIndexOf(slot: number): void {
    const mask = this.#mask;
    const index = this.#index;
    let i = hashPeerId(this.records, slot * RECORD_SIZE, this.#salt) & mask;
    while (index[i] !== slot + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const v = index[j] ?? 0;
      if (v === 0) break;
      const k = hashPeerId(this.records, (v - 1) * RECORD_SIZE, this.#salt) & mask;
      const movable = i <= j ? k <= i || k > j : k <= i && k > j;
      if (movable) {
        index[i] = v;
        i = j;
      }
    }
    index[i] = 0;
  }

  #resizeRecords(capacity: number): void {
    const next = Buffer.allocUnsafeSlow(capacity * RECORD_SIZE);
    this.records.copy(next, 0, 0, this.count * RECORD_SIZE);
    this.records = next;
  }

  #rebuildIndex(size: number): void {
    // slot + 1 fits 16 bits while the table is at most 65536 entries (load ≤ 3/4).
    this.#index = size <= 65536 ? new Uint16Array(size) : new Uint32Array(size);
    this.#mask = size - 1;
    for (let s = 0; s < this.count; s++) this.#insert(s);
  }
}

export { META as RECORD_META };
