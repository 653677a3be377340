/**
 * Unmasked, final WebSocket text frames as the server sends them (RFC 6455 §5.2), header and payload in one
 * buffer so that a socket write is one chunk. The payload is JSON text (a string, or its UTF-8 bytes).
 */

/** Bytes of the header of a frame carrying `length` payload bytes. */
export function textFrameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** Writes the header of a frame carrying `length` payload bytes at `at` (default: the start) of `frame`. */
export function writeTextFrameHeader(frame: Buffer, length: number, at = 0): void {
  frame[at] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    frame[at + 1] = length;
  } else if (length < 65_536) {
    frame[at + 1] = 126;
    frame.writeUInt16BE(length, at + 2);
  } else {
    frame[at + 1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2);
    frame.writeUInt32BE(length >>> 0, at + 6);
  }
}

/** Bytes of the whole frame (header and payload) made here that starts at `at`. */
export function textFrameLength(frames: Buffer, at: number): number {
  const len = (frames[at + 1] ?? 0) & 0x7f;
  if (len < 126) return 2 + len;
  if (len === 126) return 4 + frames.readUInt16BE(at + 2);
  return 10 + frames.readUInt32BE(at + 2) * 2 ** 32 + frames.readUInt32BE(at + 6);
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
