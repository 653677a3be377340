import { isSignalParts, signalJsonLength, writeSignalJson } from "../state/signal-json.js";
import { putAscii } from "../state/text-frame.js";
import type { BufferPool } from "./buffer-pool.js";
import type { BusMessage, PeerFrame } from "./store.js";

const TAB = 0x09;
const LF = 0x0a;

const frameLength = (frame: PeerFrame): number =>
  typeof frame === "string"
    ? Buffer.byteLength(frame)
    : isSignalParts(frame)
      ? signalJsonLength(frame)
      : frame.length;

/**
 * Builds one bus batch (the format is `encodeBusBatch`'s) in one growing buffer, a message at a time as it is
 * published: a relayed signal's JSON is written here once, straight from its parts, and nothing is kept per
 * message until the batch goes out. `headroom` bytes are left free before the batch (a RESP command header is
 * written there, so that the whole command is one buffer and one socket write). With a `pool`, its buffers come
 * from there and a buffer it outgrows goes back; the caller gives the last one back once it is written.
 */
export class BusBatchWriter {
  #buf: Buffer;
  readonly start: number;
  #end: number;
  #count = 0;
  readonly #pool: BufferPool | undefined;

  constructor(capacity: number, headroom = 0, pool?: BufferPool) {
    const bytes = headroom + Math.max(64, capacity);
    this.#pool = pool;
    this.#buf = pool === undefined ? Buffer.allocUnsafe(bytes) : pool.take(bytes);
    this.start = this.#end = headroom;
  }

  /** Messages appended. */
  get count(): number {
    return this.#count;
  }

  /** The buffer holding the batch from `start` to `end` (replaced when it grows: read it after appending). */
  get buffer(): Buffer {
    return this.#buf;
  }

  get end(): number {
    return this.#end;
  }

  /** The batch (a view). */
  bytes(): Buffer {
    return this.#buf.subarray(this.start, this.#end);
  }

  /** Makes room for `n` more bytes after `end` (for a trailer written there). */
  reserve(n: number): void {
    const need = this.#end + n;
    if (need <= this.#buf.length) return;
    const bytes = Math.max(need, this.#buf.length * 2);
    const grown = this.#pool === undefined ? Buffer.allocUnsafe(bytes) : this.#pool.take(bytes);
    this.#buf.copy(grown, 0, 0, this.#end);
    this.#pool?.give(this.#buf);
    this.#buf = grown;
  }

  append(m: BusMessage): void {
    if (m.kind === "peers") {
      for (const frame of m.frames) this.#peer(m.to, m.roomId, m.type, frame, undefined);
    } else if (m.kind === "peer") {
      const r = m.receipt;
      this.#peer(m.to, m.roomId, m.type, m.frame, r && `q\t${r.replyTo}\t${r.id}\t${r.deliverBy}\t`);
    } else if (m.kind === "receipts") {
      this.#text(`k\t${m.delivered.join(",")}\t${m.gone.join(",")}`, "latin1");
    } else {
      this.#text(`r\t${JSON.stringify(m)}`, "utf8");
    }
  }

  /** A line break before every message but the first. */
  #next(length: number): number {
    const sep = this.#count === 0 ? 0 : 1;
    this.reserve(sep + length);
    if (sep === 1) this.#buf[this.#end++] = LF;
    this.#count++;
    return this.#end;
  }

  #text(line: string, encoding: "latin1" | "utf8"): void {
    const at = this.#next(encoding === "utf8" ? Buffer.byteLength(line) : line.length);
    this.#end = at + this.#buf.write(line, at, encoding);
  }

  /** `p<TAB>to<TAB>roomId<TAB>type<TAB>frame`, or the `q` line (`head` holds its receipt fields) */
  #peer(to: string, roomId: string, type: string, frame: PeerFrame, head: string | undefined): void {
    const headLength = head === undefined ? 2 : head.length;
    let at = this.#next(headLength + to.length + roomId.length + type.length + 3 + frameLength(frame));
    const out = this.#buf;
    if (head === undefined) {
      out[at] = 0x70; // p
      out[at + 1] = TAB;
      at += 2;
    } else at = putAscii(out, at, head);
    at = putAscii(out, at, to);
    out[at] = TAB;
    at = putAscii(out, at + 1, roomId);
    out[at] = TAB;
    at = putAscii(out, at + 1, type);
    out[at++] = TAB;
    if (typeof frame === "string") at += out.write(frame, at, "utf8");
    else if (isSignalParts(frame)) at = writeSignalJson(out, at, frame);
    else {
      out.set(frame, at);
      at += frame.length;
    }
    this.#end = at;
  }
}
