/**
 * Unmasked, final WebSocket text frames as the server sends them (RFC 6455 §5.2), header and payload in one
 * buffer so that a socket write is one chunk. The payload is JSON text (a string, or its UTF-8 bytes).
 */

/** Bytes of the header of a frame carrying `length` payload bytes. */
export function textFrameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** Writes the header of a frame carrying `length` payload bytes at the start of `frame`. */
export function writeTextFrameHeader(frame: Buffer, length: number): void {
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
}

/** The payload of a frame made here (a view). */
export function textFramePayload(frame: Buffer): Buffer {
  const len = (frame[1] ?? 0) & 0x7f;
  return frame.subarray(len === 127 ? 10 : len === 126 ? 4 : 2);
}

/** The frame of one payload. */
export function encodeTextFrame(payload: string | Uint8Array): Buffer {
  const length = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  const headerLength = textFrameHeaderLength(length);
  const frame = Buffer.allocUnsafe(headerLength + length);
  writeTextFrameHeader(frame, length);
  if (typeof payload === "string") frame.write(payload, headerLength, "utf8");
  else frame.set(payload, headerLength);
  return frame;
}

/**
 * A frame for a payload of `length` bytes with its header written; the payload goes at
 * `textFrameHeaderLength(length)`. For writers that build the payload in place (no intermediate copy).
 */
export function startTextFrame(length: number): Buffer {
  const frame = Buffer.allocUnsafe(textFrameHeaderLength(length) + length);
  writeTextFrameHeader(frame, length);
  return frame;
}

/** Writes an ASCII string at `at`; returns the offset after it. Throws on other characters (a caller bug). */
export function putAscii(frame: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new Error("putAscii: not ASCII");
    frame[at + i] = c;
  }
  return at + text.length;
}

/** Writes bytes at `at`; returns the offset after them. */
export function putBytes(frame: Buffer, at: number, bytes: Uint8Array): number {
  frame.set(bytes, at);
  return at + bytes.length;
}
