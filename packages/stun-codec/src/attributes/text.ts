/**
 * Text attributes, UTF-8 with RFC length limits (RFC 8489 is strict on what we send, lenient on what we read):
 * USERNAME (§14.3): < 509 bytes sent, < 513 read (RFC 5389 §15.3); REALM (§14.9), NONCE (§14.10), SOFTWARE
 * (§14.14): < 128 characters, ≤ 509 bytes sent, ≤ 763 read; ALTERNATE-DOMAIN (§14.16): ≤ 255 bytes.
 */
import { AttributeType } from "../constants.js";
import { badAttribute, encodeRange } from "../errors.js";
import type { StunAttribute } from "../message.js";

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Strict UTF-8 decoding (malformed sequences are a StunDecodeError for `type`). */
export function decodeUtf8(bytes: Uint8Array, type: number): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw badAttribute(type, "value is not valid UTF-8");
  }
}

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export interface TextLimit {
  /** Maximum bytes when encoding. */
  readonly encodeBytes: number;
  /** Maximum bytes accepted when decoding. */
  readonly decodeBytes: number;
  /** Maximum characters (code points), or undefined for no character limit. */
  readonly chars?: number;
}

/** Length limits per text attribute type. */
export const TEXT_LIMITS: ReadonlyMap<number, TextLimit> = new Map<number, TextLimit>([
  [AttributeType.Username, { encodeBytes: 508, decodeBytes: 512 }],
  [AttributeType.Realm, { encodeBytes: 509, decodeBytes: 763, chars: 127 }],
  [AttributeType.Nonce, { encodeBytes: 509, decodeBytes: 763, chars: 127 }],
  [AttributeType.Software, { encodeBytes: 509, decodeBytes: 763, chars: 127 }],
  [AttributeType.AlternateDomain, { encodeBytes: 255, decodeBytes: 255 }],
]);

/** Unicode code points in a string (what the RFC calls characters). */
export function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function check(
  type: number,
  byteLength: number,
  text: string | undefined,
  encoding: boolean,
): string | undefined {
  const limit = TEXT_LIMITS.get(type);
  if (limit === undefined) return undefined;
  const maxBytes = encoding ? limit.encodeBytes : limit.decodeBytes;
  if (byteLength > maxBytes) return `longer than ${maxBytes} bytes`;
  if (text !== undefined && limit.chars !== undefined && countCodePoints(text) > limit.chars)
    return `longer than ${limit.chars} characters`;
  return undefined;
}

/** Decodes a text attribute value (USERNAME, REALM, NONCE, SOFTWARE, ALTERNATE-DOMAIN…) with its limits. */
export function decodeText(value: Uint8Array, type: number): string {
  const early = check(type, value.length, undefined, false);
  if (early !== undefined) throw badAttribute(type, early);
  const text = decodeUtf8(value, type);
  const problem = check(type, value.length, text, false);
  if (problem !== undefined) throw badAttribute(type, problem);
  return text;
}

/** Encodes a text attribute value with its limits (StunEncodeError when over). */
export function encodeText(text: string, type: number): Uint8Array {
  const bytes = encoder.encode(text);
  const problem = check(type, bytes.length, text, true);
  if (problem !== undefined) throw encodeRange(problem);
  return bytes;
}

/** A text attribute (USERNAME, REALM, NONCE, SOFTWARE, ALTERNATE-DOMAIN). */
export function textAttribute(type: number, text: string): StunAttribute {
  return { type, value: encodeText(text, type) };
}
