/**
 * Memory for the frame runs an instance writes to its clients from the bus, reused once the socket wrote them.
 *
 * Each run used to be a buffer of its own (a few KiB: Node's shared pool or an ArrayBuffer of its own), about
 * 50 MB/s at full load. Such memory is external to V8's heap and is freed only by a GC; the receiving instance
 * allocates few JavaScript objects, so scavenges were rare and tens of MB of dead buffers piled up between them.
 * V8 counts that growth when it decides to start a full mark-compact, and in some runs the receiving instance
 * fell into marking over and over for a whole run. Runs carved out of a few large slabs, each reused once every
 * run in it is written, keep that growth near zero.
 */
export interface SlabPiece {
  readonly bytes: Buffer;
  /** The socket's write callback for these bytes: on success, their memory may be reused. */
  readonly written: (err?: Error | null) => void;
}

class Slab {
  readonly buf: Buffer;
  used = 0;
  /** Pieces handed out and not reported written yet. */
  outstanding = 0;
  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafeSlow(bytes);
  }
}

export class RunSlabs {
  #current: Slab | undefined;
  readonly #free: Slab[] = [];

  /**
   * @param slabBytes the size of a slab; pieces larger than a quarter of it are not served (`take` → undefined)
   * @param keep slabs kept for reuse once every piece in them is written (beyond: left to the GC)
   */
  constructor(
    readonly slabBytes = 256 * 1024,
    readonly keep = 4,
  ) {}

  /** Slabs free for reuse now (not counting the one being filled). */
  get free(): number {
    return this.#free.length;
  }

  /**
   * `bytes` bytes (contents undefined) and the callback that gives them back once written. A piece whose
   * callback is never called (not written: buffered, or the socket failed) keeps its slab from being reused:
   * that slab is left to the GC, its memory never handed out twice. Undefined: too large, allocate it apart.
   */
  take(bytes: number): SlabPiece | undefined {
    if (bytes > this.slabBytes / 4) return undefined;
    let s = this.#current;
    if (s === undefined || s.used + bytes > s.buf.length) {
      if (s !== undefined && s.outstanding === 0) s.used = 0;
      else {
        s = this.#free.pop() ?? new Slab(this.slabBytes);
        s.used = 0;
        this.#current = s;
      }
    }
    const slab = s;
    const at = slab.used;
    slab.used += bytes;
    slab.outstanding++;
    return {
      bytes: slab.buf.subarray(at, at + bytes),
      written: (err) => {
        if (!err) this.#written(slab);
      },
    };
  }

  #written(s: Slab): void {
    if (--s.outstanding > 0) return;
    if (s === this.#current) s.used = 0;
    else if (this.#free.length < this.keep) this.#free.push(s);
  }
}
