/**
 * The STUN message header (RFC 5389 §6, RFC 8489 §5): message type (method + class bits interleaved), length,
 * magic cookie, transaction id. Cheap checks for the hot path.
 */
import { HEADER_LENGTH, MAGIC_COOKIE, type StunClass } from "./constants.js";

export interface StunHeader {
  /** The 14-bit message type (method and class bits). */
  readonly type: number;
  readonly method: number;
  readonly cls: StunClass;
  /** The header's length field: bytes of attributes after the 20-byte header. */
  readonly length: number;
}

/** RFC 5389 §6: M11..M7 C1 M6..M4 C0 M3..M0. */
export function messageType(method: number, cls: StunClass): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((cls & 0x1) << 4) |
    ((cls & 0x2) << 7)
  );
}

/** The 12-bit method of a message type. */
export function methodOf(type: number): number {
  return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
}

/** The class of a message type. */
export function classOf(type: number): StunClass {
  return (((type >> 4) & 0x1) | ((type >> 7) & 0x2)) as StunClass;
}

function readCookie(bytes: Uint8Array): number {
  return ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
}

/**
 * Whether a datagram is a well-formed STUN header for its size: at least 20 bytes, first two bits zero, magic
 * cookie, length a multiple of 4 equal to the bytes after the header (RFC 8489 §5, §6.3). Attributes unchecked.
 */
export function isStunMessage(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_LENGTH || (bytes[0] & 0xc0) !== 0) return false;
  if (readCookie(bytes) !== MAGIC_COOKIE) return false;
  const length = (bytes[2] << 8) | bytes[3];
  return (length & 3) === 0 && length + HEADER_LENGTH === bytes.length;
}

/**
 * Reads the header fields without validating anything but the size (use `isStunMessage` first when the bytes
 * come from the network). Undefined when fewer than 20 bytes.
 */
export function readStunHeader(bytes: Uint8Array): StunHeader | undefined {
  if (bytes.length < HEADER_LENGTH) return undefined;
  const type = ((bytes[0] << 8) | bytes[1]) & 0x3fff;
  return { type, method: methodOf(type), cls: classOf(type), length: (bytes[2] << 8) | bytes[3] };
}

/** Bytes 4-7 as an unsigned number (the magic cookie in RFC 5389+ messages). */
export function readMagicCookie(bytes: Uint8Array): number {
  return bytes.length < 8 ? 0 : readCookie(bytes);
}
