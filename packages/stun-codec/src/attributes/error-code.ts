/**
 * ERROR-CODE (RFC 8489 §14.8): 21 reserved bits, class (3-6, 3 bits), number (0-99, 8 bits), UTF-8 reason
 * phrase of fewer than 128 characters (at most 509 bytes sent, 763 bytes read). ADDRESS-ERROR-CODE (RFC 8656 §18.12) is the same
 * with the address family in the first byte.
 */
import { AttributeType } from "../constants.js";
import { errorReason } from "../error-codes.js";
import { badAttribute, encodeRange } from "../errors.js";
import type { StunAttribute } from "../message.js";
import { countCodePoints, decodeUtf8, encodeUtf8 } from "./text.js";

export interface StunError {
  /** 300-699. */
  readonly code: number;
  readonly reason: string;
}

/** Most reason-phrase bytes accepted when decoding. */
export const MAX_REASON_BYTES = 763;
/** Most reason-phrase bytes (and characters) written when encoding. */
const MAX_REASON_ENCODE_BYTES = 509;
const MAX_REASON_CHARS = 127;

function decodeCode(value: Uint8Array, type: number): StunError {
  if (value.length < 4) throw badAttribute(type, "error code attribute shorter than 4 bytes");
  if (value.length - 4 > MAX_REASON_BYTES) throw badAttribute(type, "reason phrase longer than 763 bytes");
  const cls = value[2] & 0x07;
  const num = value[3];
  if (cls < 3 || cls > 6 || num > 99) throw badAttribute(type, "error class must be 3-6 and number 0-99");
  return { code: cls * 100 + num, reason: decodeUtf8(value.subarray(4), type) };
}

function encodeCode(code: number, reason: string | undefined, first: number): Uint8Array {
  if (!Number.isInteger(code) || code < 300 || code > 699) throw encodeRange("error code must be 300-699");
  const text = encodeUtf8(reason ?? errorReason(code));
  if (text.length > MAX_REASON_ENCODE_BYTES) throw encodeRange("reason phrase longer than 509 bytes");
  if (countCodePoints(reason ?? "") > MAX_REASON_CHARS)
    throw encodeRange("reason phrase of 128 characters or more");
  const out = new Uint8Array(4 + text.length);
  out[0] = first;
  out[2] = Math.floor(code / 100);
  out[3] = code % 100;
  out.set(text, 4);
  return out;
}

/** Decodes an ERROR-CODE value. */
export function decodeErrorCode(value: Uint8Array): StunError {
  return decodeCode(value, AttributeType.ErrorCode);
}

/** Encodes an ERROR-CODE value; the reason defaults to the RFC's phrase for the code. */
export function encodeErrorCode(code: number, reason?: string): Uint8Array {
  return encodeCode(code, reason, 0);
}

/** An ERROR-CODE attribute. */
export function errorCodeAttribute(code: number, reason?: string): StunAttribute {
  return { type: AttributeType.ErrorCode, value: encodeCode(code, reason, 0) };
}

export interface AddressError extends StunError {
  /** 1 = IPv4, 2 = IPv6. */
  readonly family: number;
}

/** Decodes an ADDRESS-ERROR-CODE value (RFC 8656 §18.12). */
export function decodeAddressErrorCode(value: Uint8Array): AddressError {
  const e = decodeCode(value, AttributeType.AddressErrorCode);
  return { family: value[0], code: e.code, reason: e.reason };
}

/** Encodes an ADDRESS-ERROR-CODE value (family 1 = IPv4, 2 = IPv6). */
export function encodeAddressErrorCode(family: number, code: number, reason?: string): Uint8Array {
  if (family !== 1 && family !== 2) throw encodeRange("address family must be 1 (IPv4) or 2 (IPv6)");
  return encodeCode(code, reason, family);
}
