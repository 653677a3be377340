/**
 * ICE attributes (RFC 8445 §7.1.1, §16.1): PRIORITY (32 bits), USE-CANDIDATE (empty), ICE-CONTROLLED and
 * ICE-CONTROLLING (64-bit tie-breaker). The codec passes them through as raw attributes; these helpers read them.
 */
import { AttributeType } from "../constants.js";
import { decodeUint32, decodeUint64, encodeUint32, encodeUint64 } from "./numbers.js";

export function decodePriority(value: Uint8Array): number {
  return decodeUint32(value, AttributeType.Priority);
}

export const encodePriority = encodeUint32;

/** The tie-breaker of ICE-CONTROLLED or ICE-CONTROLLING. */
export function decodeTieBreaker(value: Uint8Array, type: number = AttributeType.IceControlling): bigint {
  return decodeUint64(value, type);
}

export const encodeTieBreaker = encodeUint64;
