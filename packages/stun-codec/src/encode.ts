/**
 * Encoding of STUN messages (RFC 8489 §5, §14) in one allocation, with MESSAGE-INTEGRITY (§14.5),
 * MESSAGE-INTEGRITY-SHA256 (§14.6) and FINGERPRINT (§14.7) computed over the right bytes and length fields.
 */
import { createHmac } from "node:crypto";
import { crc32 } from "node:zlib";
import {
  AttributeType,
  HEADER_LENGTH,
  MAGIC_COOKIE,
  TRANSACTION_ID_LENGTH,
  type StunClass,
} from "./constants.js";
import { allocate } from "./byte-pool.js";
import { StunEncodeError, encodeRange } from "./errors.js";
import { FINGERPRINT_XOR } from "./fingerprint.js";
import { messageType } from "./header.js";
import type { StunAttribute } from "./message.js";

export interface StunMessageInit {
  readonly method: number;
  readonly cls: StunClass;
  /** 12 bytes (see `newTransactionId`). */
  readonly transactionId: Uint8Array;
  /** Attributes in order, values unpadded (MESSAGE-INTEGRITY and FINGERPRINT are added by the options). */
  readonly attributes?: readonly StunAttribute[];
}

export interface IntegrityOptions {
  /** The key: `shortTermKey(password)` or `longTermKey(…)`. */
  readonly key: Uint8Array;
  /** "sha1" adds MESSAGE-INTEGRITY (default), "sha256" adds MESSAGE-INTEGRITY-SHA256, "both" adds both. */
  readonly algorithm?: "sha1" | "sha256" | "both";
  /** Bytes of HMAC-SHA256 to send: 16-32, a multiple of 4 (RFC 8489 §14.6); default 32. */
  readonly sha256Length?: number;
}

export interface EncodeOptions {
  readonly integrity?: IntegrityOptions;
  /** Append FINGERPRINT (RFC 8489 §14.7). */
  readonly fingerprint?: boolean;
  /** The byte used to pad attribute values to 4 bytes (RFC 8489 says 0; RFC 5769 vectors use 0x20). */
  readonly paddingByte?: number;
}

const MAX_BODY = 0xffff & ~3;

/** Encodes a message into a new buffer. Throws StunEncodeError for out-of-range input. */
export function encodeStunMessage(init: StunMessageInit, options: EncodeOptions = {}): Uint8Array {
  if (init.transactionId.length !== TRANSACTION_ID_LENGTH)
    throw encodeRange("transaction id must be 12 bytes");
  if (!Number.isInteger(init.method) || init.method < 0 || init.method > 0xfff)
    throw encodeRange("method must be 0-0xFFF");
  const attributes = init.attributes ?? [];
  const integrity = options.integrity;
  const algorithm = integrity?.algorithm ?? "sha1";
  const withSha1 = integrity !== undefined && algorithm !== "sha256";
  const withSha256 = integrity !== undefined && algorithm !== "sha1";
  const sha256Length = integrity?.sha256Length ?? 32;
  if (withSha256 && (sha256Length < 16 || sha256Length > 32 || (sha256Length & 3) !== 0))
    throw encodeRange("sha256Length must be 16-32 and a multiple of 4");

  let body = 0;
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i];
    if (!Number.isInteger(a.type) || a.type < 0 || a.type > 0xffff)
      throw encodeRange("attribute type must be 0-0xFFFF");
    if (a.value.length > 0xffff) throw encodeRange("attribute value longer than 65535 bytes");
    body += 4 + ((a.value.length + 3) & ~3);
  }
  if (withSha1) body += 24;
  if (withSha256) body += 4 + sha256Length;
  if (options.fingerprint) body += 8;
  if (body > MAX_BODY)
    throw new StunEncodeError("STUN_ERR_ENCODE_TOO_LARGE", "message longer than 65535 bytes");

  // From the codec's byte pool (one plain Uint8Array over an off-heap slab, see byte-pool.ts). Every byte is
  // written below (the pool is not zeroed).
  const buf = allocate(HEADER_LENGTH + body);
  const type = messageType(init.method, init.cls);
  buf[0] = type >> 8;
  buf[1] = type & 0xff;
  writeUint32(buf, 4, MAGIC_COOKIE);
  buf.set(init.transactionId, 8);
  const pad = options.paddingByte ?? 0;
  let offset = HEADER_LENGTH;
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i];
    const len = a.value.length;
    buf[offset] = a.type >> 8;
    buf[offset + 1] = a.type & 0xff;
    buf[offset + 2] = len >> 8;
    buf[offset + 3] = len & 0xff;
    buf.set(a.value, offset + 4);
    const padded = (len + 3) & ~3;
    if (padded !== len) buf.fill(pad, offset + 4 + len, offset + 4 + padded);
    offset += 4 + padded;
  }
  if (withSha1) {
    offset = writeHmac(buf, offset, AttributeType.MessageIntegrity, "sha1", integrity.key, 20);
  }
  if (withSha256) {
    offset = writeHmac(
      buf,
      offset,
      AttributeType.MessageIntegritySha256,
      "sha256",
      integrity.key,
      sha256Length,
    );
  }
  if (options.fingerprint) {
    writeLength(buf, offset + 8);
    buf[offset] = AttributeType.Fingerprint >> 8;
    buf[offset + 1] = AttributeType.Fingerprint & 0xff;
    buf[offset + 2] = 0;
    buf[offset + 3] = 4;
    writeUint32(buf, offset + 4, crc32(buf.subarray(0, offset)) ^ FINGERPRINT_XOR);
    offset += 8;
  }
  writeLength(buf, offset);
  return buf;
}

function writeUint32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = (value >>> 16) & 0xff;
  buf[at + 2] = (value >>> 8) & 0xff;
  buf[at + 3] = value & 0xff;
}

function writeLength(buf: Uint8Array, messageEnd: number): void {
  const length = messageEnd - HEADER_LENGTH;
  buf[2] = length >> 8;
  buf[3] = length & 0xff;
}

/** Writes an HMAC attribute at `offset` with the header length covering it, returns the offset after it. */
function writeHmac(
  buf: Uint8Array,
  offset: number,
  type: number,
  hash: "sha1" | "sha256",
  key: Uint8Array,
  size: number,
): number {
  writeLength(buf, offset + 4 + size);
  const mac = createHmac(hash, key).update(buf.subarray(0, offset)).digest();
  buf[offset] = type >> 8;
  buf[offset + 1] = type & 0xff;
  buf[offset + 2] = 0;
  buf[offset + 3] = size;
  buf.set(mac.subarray(0, size), offset + 4);
  return offset + 4 + size;
}
