/** Length-prefixed text frames for the DHT rendezvous connections: a 4-byte big-endian length, then UTF-8. */

/** Largest frame body, bytes (a sealed frame is at most 16 384 characters). */
export const MAX_RENDEZVOUS_FRAME = 16_384;

/** A frame with its length prefix, or undefined when the text is larger than the limit. */
export function encodeLengthPrefixed(text: string, max = MAX_RENDEZVOUS_FRAME): Buffer | undefined {
  const body = Buffer.from(text, "utf8");
  if (body.length > max) return undefined;
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** Cuts frames out of a byte stream; a length over the limit makes `push` return undefined (close the stream). */
export class FrameReader {
  readonly #max: number;
  #buffered: Buffer = Buffer.alloc(0);

  constructor(max = MAX_RENDEZVOUS_FRAME) {
    this.#max = max;
  }

  push(chunk: Buffer): string[] | undefined {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const frames: string[] = [];
    while (this.#buffered.length >= 4) {
      const len = this.#buffered.readUInt32BE(0);
      if (len > this.#max || len === 0) return undefined;
      if (this.#buffered.length < 4 + len) break;
      frames.push(this.#buffered.toString("utf8", 4, 4 + len));
      this.#buffered = this.#buffered.subarray(4 + len);
    }
    return frames;
  }
}
