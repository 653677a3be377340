/**
 * An incremental reader of RESP2 replies (the Redis protocol): integers, simple strings, errors, bulk strings
 * and arrays of them, as the bytes come off a socket in any chunking. Bulk strings are handed out as views into
 * the bytes fed, or into the reader's own assembly buffer when a reply spans chunks: read them during the
 * `emit` call or copy them (the assembly buffer is reused, and a socket read buffer may be too).
 */
export type RespValue = number | string | Buffer | null | RespError | RespValue[];

/** A `-ERR …` reply. */
export class RespError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

const CR = 0x0d;
/** An assembly buffer larger than this is not kept once the reply it held has been read. */
const KEEP_ASSEMBLY_BYTES = 4 << 20;

/** A value and where the next one starts, or where a still incomplete value needs bytes up to (`need`). */
type Parsed = { value: RespValue; next: number } | { need: number };

export class RespReader {
  /**
   * The bytes of an incomplete reply (from 0 to `#held`), copied out of the chunks they came in: one buffer
   * reused from reply to reply, so that a reply spanning socket reads (a bus batch larger than a read) costs a
   * copy, not a new buffer each time.
   */
  #assembly = Buffer.alloc(0);
  #held = 0;
  /** How many bytes the incomplete reply needs at least before parsing is worth trying again. */
  #need = 0;

  /** Reads the replies completed by `chunk`, in order; throws on bytes that are not RESP (a broken stream). */
  feed(chunk: Buffer, emit: (value: RespValue) => void): void {
    let buf = chunk;
    const assembled = this.#held > 0;
    if (assembled) {
      this.#append(chunk, 0);
      if (this.#held < this.#need) return;
      buf = this.#assembly.subarray(0, this.#held);
      this.#held = 0;
    }
    let at = 0;
    while (at < buf.length) {
      const r = parse(buf, at);
      if ("need" in r) {
        this.#need = r.need - at;
        if (assembled) {
          // The rest of the assembly buffer moves to its front (its bytes before `at` are read).
          this.#assembly.copyWithin(0, at, buf.length);
          this.#held = buf.length - at;
        } else this.#append(buf, at);
        return;
      }
      at = r.next;
      emit(r.value);
    }
    if (this.#assembly.length > KEEP_ASSEMBLY_BYTES) this.#assembly = Buffer.alloc(0);
  }

  /** Copies `bytes` from `from` on behind the held bytes, growing the assembly buffer (doubling) if need be. */
  #append(bytes: Buffer, from: number): void {
    const total = this.#held + bytes.length - from;
    if (total > this.#assembly.length) {
      const grown = Buffer.allocUnsafe(Math.max(total, 2 * this.#assembly.length, 4096));
      this.#assembly.copy(grown, 0, 0, this.#held);
      this.#assembly = grown;
    }
    bytes.copy(this.#assembly, this.#held, from);
    this.#held = total;
  }
}

/** The end of the line starting at `at` (the index of its CR), or -1 when it is not complete yet. */
function lineEnd(buf: Buffer, at: number): number {
  const cr = buf.indexOf(CR, at);
  return cr < 0 || cr + 1 >= buf.length ? -1 : cr;
}

function integer(buf: Buffer, start: number, end: number): number {
  const n = Number(buf.toString("latin1", start, end));
  if (!Number.isInteger(n)) throw new Error("RESP: bad integer");
  return n;
}

function parse(buf: Buffer, at: number): Parsed {
  const cr = lineEnd(buf, at);
  if (cr < 0) return { need: buf.length + 1 };
  if (buf[cr + 1] !== 0x0a) throw new Error("RESP: line not ended by CRLF");
  const type = buf[at];
  const next = cr + 2;
  switch (type) {
    case 0x3a /* : */:
      return { value: integer(buf, at + 1, cr), next };
    case 0x2b /* + */:
      return { value: buf.toString("latin1", at + 1, cr), next };
    case 0x2d /* - */:
      return { value: new RespError(buf.toString("utf8", at + 1, cr)), next };
    case 0x24 /* $ */: {
      const length = integer(buf, at + 1, cr);
      if (length < 0) return { value: null, next };
      const end = next + length;
      if (end + 2 > buf.length) return { need: end + 2 };
      if (buf[end] !== CR || buf[end + 1] !== 0x0a) throw new Error("RESP: bulk string not ended by CRLF");
      return { value: buf.subarray(next, end), next: end + 2 };
    }
    case 0x2a /* * */: {
      const count = integer(buf, at + 1, cr);
      if (count < 0) return { value: null, next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        if (pos >= buf.length) return { need: pos + 1 };
        const r = parse(buf, pos);
        if ("need" in r) return r;
        items.push(r.value);
        pos = r.next;
      }
      return { value: items, next: pos };
    }
    default:
      throw new Error("RESP: unknown reply type");
  }
}
