/**
 * Message integrity (RFC 8489 §9.1-9.2, §14.5-14.6): short-term and long-term keys, and verification of
 * MESSAGE-INTEGRITY (HMAC-SHA1) and MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, possibly truncated) on the received
 * bytes, with the header length field adjusted to end at the attribute, compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { AttributeType, HEADER_LENGTH } from "./constants.js";
import { getAttribute, type StunMessage } from "./message.js";
import { prepareOpaqueString, prepareSaslPrep } from "./opaque-string.js";
import { encodeRange } from "./errors.js";

export type Preparation = "opaque-string" | "saslprep" | "none";

function prepare(value: string, how: Preparation, what: string): string {
  if (how === "none") return value;
  const out = how === "saslprep" ? prepareSaslPrep(value) : prepareOpaqueString(value);
  if (out === undefined) throw encodeRange(`${what} is not allowed by ${how}`);
  return out;
}

/** RFC 8489 §9.1.1: the short-term key is the OpaqueString-prepared password (UTF-8). */
export function shortTermKey(password: string, preparation: Preparation = "opaque-string"): Uint8Array {
  return Buffer.from(prepare(password, preparation, "password"), "utf8");
}

export interface LongTermKeyInput {
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  /** PASSWORD-ALGORITHM: "md5" (16-byte key, the RFC 5389 default) or "sha256" (32-byte key). Default "md5". */
  readonly algorithm?: "md5" | "sha256";
  /**
   * "opaque-string" (RFC 8489, default): OpaqueString on realm and password. "saslprep" (RFC 5389 §15.4):
   * SASLprep on the password only. "none": nothing. The username is used as received either way (the client
   * prepared it before putting it in USERNAME), and never makes this throw.
   */
  readonly preparation?: Preparation;
}

/**
 * RFC 8489 §9.2.2: key = H(username ":" OpaqueString(realm) ":" OpaqueString(password)), H = MD5 or SHA-256;
 * RFC 5389 §15.4: key = MD5(username ":" realm ":" SASLprep(password)). Throws StunEncodeError when the realm or
 * password is not allowed by the preparation (a configuration error, not a client's).
 */
export function longTermKey(input: LongTermKeyInput): Uint8Array {
  const how = input.preparation ?? "opaque-string";
  const realm = how === "opaque-string" ? prepare(input.realm, how, "realm") : input.realm;
  const text = `${input.username}:${realm}:${prepare(input.password, how, "password")}`;
  return createHash(input.algorithm ?? "md5")
    .update(text, "utf8")
    .digest();
}

/** HMAC over raw[0..offset) with the length field replaced so the message ends after the attribute. */
function hmacUpTo(
  msg: StunMessage,
  offset: number,
  attrValueLength: number,
  hash: "sha1" | "sha256",
  key: Uint8Array,
): Buffer {
  const raw = msg.raw;
  const length = offset + 4 + attrValueLength - HEADER_LENGTH;
  const hmac = createHmac(hash, key);
  if (((raw[2] << 8) | raw[3]) === length) {
    hmac.update(raw.subarray(0, offset));
  } else {
    hmac.update(Uint8Array.of(raw[0], raw[1], length >> 8, length & 0xff));
    hmac.update(raw.subarray(4, offset));
  }
  return hmac.digest();
}

/**
 * Verifies MESSAGE-INTEGRITY (HMAC-SHA1) with a key from `shortTermKey`/`longTermKey`. False when the attribute
 * is absent or the HMAC differs.
 */
export function verifyMessageIntegrity(msg: StunMessage, key: Uint8Array): boolean {
  const attr = getAttribute(msg, AttributeType.MessageIntegrity);
  if (attr === undefined || attr.value.length !== 20) return false;
  return timingSafeEqual(hmacUpTo(msg, attr.offset, 20, "sha1", key), attr.value);
}

/**
 * Verifies MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, truncated to the attribute's 16-32 bytes per RFC 8489 §14.6).
 * False when the attribute is absent or the HMAC differs.
 */
export function verifyMessageIntegritySha256(msg: StunMessage, key: Uint8Array): boolean {
  const attr = getAttribute(msg, AttributeType.MessageIntegritySha256);
  if (attr === undefined) return false;
  const n = attr.value.length;
  if (n < 16 || n > 32 || (n & 3) !== 0) return false;
  return timingSafeEqual(hmacUpTo(msg, attr.offset, n, "sha256", key).subarray(0, n), attr.value);
}

/** Which integrity attributes the message carries (for choosing a verifier and the 400/401 rules). */
export function integrityKind(msg: StunMessage): "none" | "sha1" | "sha256" | "both" {
  const sha1 = getAttribute(msg, AttributeType.MessageIntegrity) !== undefined;
  const sha256 = getAttribute(msg, AttributeType.MessageIntegritySha256) !== undefined;
  return sha1 ? (sha256 ? "both" : "sha1") : sha256 ? "sha256" : "none";
}
