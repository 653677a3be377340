/**
 * One unmasked, final WebSocket text frame as the server sends it (RFC 6455 §5.2): header and payload in one
 * buffer, so that a socket write is one chunk. The payload is JSON text (a string, or its UTF-8 bytes).
 */
export function encodeTextFrame(payload: string | Uint8Array): Buffer {
  const length = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
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
  if (typeof payload === "string") frame.write(payload, headerLength, "utf8");
  else frame.set(payload, headerLength);
  return frame;
}
