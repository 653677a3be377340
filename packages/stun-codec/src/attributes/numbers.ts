/** Fixed-size integer values shared by several attributes (big-endian, network order). */
import { badAttribute, encodeRange } from "../errors.js";

/** A 4-byte unsigned value (LIFETIME, PRIORITY, CONNECTION-ID). */
export function decodeUint32(value: Uint8Array, type: number): number {
  if (value.length !== 4) throw badAttribute(type, "value must be 4 bytes");
  return ((value[0] << 24) | (value[1] << 16) | (value[2] << 8) | value[3]) >>> 0;
}

export function encodeUint32(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw encodeRange("value must be a 32-bit unsigned integer");
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** An 8-byte unsigned value (ICE-CONTROLLED/-CONTROLLING tie-breakers). */
export function decodeUint64(value: Uint8Array, type: number): bigint {
  if (value.length !== 8) throw badAttribute(type, "value must be 8 bytes");
  let n = 0n;
  for (let i = 0; i < 8; i++) n = (n << 8n) | BigInt(value[i]);
  return n;
}

export function encodeUint64(n: bigint): Uint8Array {
  if (n < 0n || n > 0xffffffffffffffffn) throw encodeRange("value must be a 64-bit unsigned integer");
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** A value of exactly `size` bytes whose content is opaque (USERHASH, RESERVATION-TOKEN). */
export function checkSize(value: Uint8Array, type: number, size: number): Uint8Array {
  if (value.length !== size) throw badAttribute(type, `value must be ${size} bytes`);
  return value;
}

/** An empty value (USE-CANDIDATE, DONT-FRAGMENT): RFC says length 0. */
export function checkEmpty(value: Uint8Array, type: number): true {
  if (value.length !== 0) throw badAttribute(type, "value must be empty");
  return true;
}
