/**
 * An incremental reader of RESP2 replies (the Redis protocol): integers, simple strings, errors, bulk strings
 * and arrays of them, as the bytes come off a socket in any chunking. Bulk strings are handed out as views into
 * the received bytes (copied only when a reply spans chunks): read them before the next `feed` or copy them.
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

/** A value and where the next one starts, or where a still incomplete value needs bytes up to (`need`). */
type Parsed = { value: RespValue; next: number } | { need: number };

export class RespReader {
  /** Bytes of an incomplete reply, and how many it needs at least before parsing is worth trying again. */
  #held: Buffer[] = [];
  #heldLength = 0;
  #need = 0;

  /** Reads the replies completed by `chunk`, in order; throws on bytes that are not RESP (a broken stream). */
  feed(chunk: Buffer, emit: (value: RespValue) => void): void {
    let buf = chunk;
    if (this.#heldLength > 0) {
      this.#held.push(chunk);
      this.#heldLength += chunk.length;
      if (this.#heldLength < this.#need) return;
      buf = Buffer.concat(this.#held, this.#heldLength);
      this.#held = [];
      this.#heldLength = 0;
    }
    let at = 0;
    while (at < buf.length) {
      const r = parse(buf, at);
      if ("need" in r) {
        const rest = buf.subarray(at);
        this.#held = [rest];
        this.#heldLength = rest.length;
        this.#need = r.need - at;
        return;
      }
      at = r.next;
      emit(r.value);
    }
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
