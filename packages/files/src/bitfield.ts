/** A fixed-length set of piece indexes, big-endian bit order within each byte (as BitTorrent does). */
export class Bitfield {
  readonly length: number;
  readonly bytes: Uint8Array;
  #count = 0;

  constructor(length: number, bytes?: Uint8Array) {
    this.length = length;
    this.bytes = new Uint8Array(Math.ceil(length / 8));
    if (bytes) {
      this.bytes.set(bytes.subarray(0, this.bytes.length));
      const spare = this.bytes.length * 8 - length;
      if (spare > 0) this.bytes[this.bytes.length - 1] &= 0xff << spare;
      for (let i = 0; i < length; i++) if (this.has(i)) this.#count++;
    }
  }

  static full(length: number): Bitfield {
    const b = new Bitfield(length);
    for (let i = 0; i < length; i++) b.set(i);
    return b;
  }

  get count(): number {
    return this.#count;
  }

  get complete(): boolean {
    return this.#count === this.length;
  }

  has(index: number): boolean {
    if (index < 0 || index >= this.length) return false;
    return (this.bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
  }

  /** Sets a bit; returns true when it was not set before. */
  set(index: number): boolean {
    if (index < 0 || index >= this.length || this.has(index)) return false;
    this.bytes[index >> 3] |= 0x80 >> (index & 7);
    this.#count++;
    return true;
  }

  /** Clears a bit; returns true when it was set before. */
  clear(index: number): boolean {
    if (!this.has(index)) return false;
    this.bytes[index >> 3] &= ~(0x80 >> (index & 7));
    this.#count--;
    return true;
  }

  *indexes(): IterableIterator<number> {
    for (let i = 0; i < this.length; i++) if (this.has(i)) yield i;
  }
}
