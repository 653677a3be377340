/**
 * PASSWORD-ALGORITHM (RFC 8489 §14.12) and PASSWORD-ALGORITHMS (§14.11): algorithm (16 bits), parameters length
 * (16 bits), parameters padded to 4 bytes; the plural form is a list of those. USERHASH (§14.4) is here too:
 * SHA-256(OpaqueString(username) ":" OpaqueString(realm)), 32 bytes.
 */
import { createHash } from "node:crypto";
import { AttributeType } from "../constants.js";
import { badAttribute, encodeRange } from "../errors.js";
import { prepareOpaqueString } from "../opaque-string.js";
import { checkSize } from "./numbers.js";

export interface PasswordAlgorithmValue {
  /** 1 = MD5, 2 = SHA-256 (PasswordAlgorithm). */
  readonly algorithm: number;
  readonly parameters: Uint8Array;
}

function readList(value: Uint8Array, type: number): PasswordAlgorithmValue[] {
  const out: PasswordAlgorithmValue[] = [];
  let i = 0;
  while (i < value.length) {
    if (i + 4 > value.length) throw badAttribute(type, "truncated password algorithm");
    const algorithm = (value[i] << 8) | value[i + 1];
    const len = (value[i + 2] << 8) | value[i + 3];
    const end = i + 4 + len;
    if (end > value.length) throw badAttribute(type, "password algorithm parameters overrun");
    out.push({ algorithm, parameters: value.subarray(i + 4, end) });
    i = i + 4 + ((len + 3) & ~3);
    if (i > value.length) throw badAttribute(type, "password algorithm padding overruns");
  }
  return out;
}

function writeList(list: readonly PasswordAlgorithmValue[]): Uint8Array {
  let size = 0;
  for (const a of list) {
    if (!Number.isInteger(a.algorithm) || a.algorithm < 0 || a.algorithm > 0xffff)
      throw encodeRange("algorithm must be 0-0xFFFF");
    if (a.parameters.length > 0xffff) throw encodeRange("parameters too long");
    size += 4 + ((a.parameters.length + 3) & ~3);
  }
  const out = new Uint8Array(size);
  let i = 0;
  for (const a of list) {
    out[i] = a.algorithm >> 8;
    out[i + 1] = a.algorithm & 0xff;
    out[i + 2] = a.parameters.length >> 8;
    out[i + 3] = a.parameters.length & 0xff;
    out.set(a.parameters, i + 4);
    i += 4 + ((a.parameters.length + 3) & ~3);
  }
  return out;
}

/** Decodes PASSWORD-ALGORITHM (exactly one entry). */
export function decodePasswordAlgorithm(value: Uint8Array): PasswordAlgorithmValue {
  const list = readList(value, AttributeType.PasswordAlgorithm);
  if (list.length !== 1)
    throw badAttribute(AttributeType.PasswordAlgorithm, "exactly one algorithm expected");
  return list[0];
}

export function encodePasswordAlgorithm(
  algorithm: number,
  parameters: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return writeList([{ algorithm, parameters }]);
}

/** Decodes PASSWORD-ALGORITHMS (a list, possibly empty). */
export function decodePasswordAlgorithms(value: Uint8Array): PasswordAlgorithmValue[] {
  return readList(value, AttributeType.PasswordAlgorithms);
}

export function encodePasswordAlgorithms(list: readonly PasswordAlgorithmValue[]): Uint8Array {
  return writeList(list);
}

/** Decodes USERHASH (32 bytes, returned as a view). */
export function decodeUserhash(value: Uint8Array): Uint8Array {
  return checkSize(value, AttributeType.Userhash, 32);
}

/** RFC 8489 §14.4: userhash = SHA-256(OpaqueString(username) ":" OpaqueString(realm)). */
export function computeUserhash(username: string, realm: string): Uint8Array {
  const u = prepareOpaqueString(username);
  const r = prepareOpaqueString(realm);
  if (u === undefined || r === undefined) throw encodeRange("username or realm not allowed by OpaqueString");
  return createHash("sha256").update(`${u}:${r}`, "utf8").digest();
}
