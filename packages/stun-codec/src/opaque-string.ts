/**
 * String preparation for STUN credentials.
 * - OpaqueString (RFC 8265 §4.2, required by RFC 8489 §9.2.2 and §14.3): non-ASCII spaces become U+0020, then
 *   NFC; control characters, unassigned code points, lone surrogates and the empty string are rejected.
 * - SASLprep (RFC 4013, used by RFC 5389 §15.4): "mapped to nothing" characters removed, non-ASCII spaces become
 *   U+0020, NFKC; prohibited output rejected. Kept for RFC 5389 peers and the RFC 5769 vector.
 * Both return undefined for strings that the profile rejects.
 */

// RFC 8265 §4.2.1 width/case rules do not apply to OpaqueString; additional mapping is non-ASCII space → U+0020.
const NON_ASCII_SPACE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;
// FreeformClass disallowed: controls (Cc), lone surrogates (Cs), unassigned (Cn); and default-ignorable
// format characters (soft hyphen, zero-width characters, bidi controls, variation selectors, BOM…).
const OPAQUE_DISALLOWED = /[\p{Cc}\p{Cs}\p{Cn}]/u;
const DEFAULT_IGNORABLE: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfff8],
];

function inRanges(text: string, ranges: readonly (readonly [number, number])[]): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  }
  return false;
}

/** RFC 8265 OpaqueString preparation and enforcement; undefined when the string is not allowed. */
export function prepareOpaqueString(input: string): string | undefined {
  const out = input.replace(NON_ASCII_SPACE, " ").normalize("NFC");
  if (out.length === 0 || OPAQUE_DISALLOWED.test(out) || inRanges(out, DEFAULT_IGNORABLE)) return undefined;
  return out;
}

// RFC 3454 B.1 ("commonly mapped to nothing").
const MAPPED_TO_NOTHING: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];
// RFC 4013 §2.3 prohibited output (C.2.1, C.2.2, C.3-C.9) and §2.5 unassigned (approximated by Cn).
const SASL_PROHIBITED = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}\u2028\u2029]/u;
const SASL_PROHIBITED_RANGES: readonly (readonly [number, number])[] = [
  [0x06dd, 0x06dd],
  [0x070f, 0x070f],
  [0x180e, 0x180e],
  [0x200e, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2063],
  [0x206a, 0x206f],
  [0xfff9, 0xfffd],
  [0x1d173, 0x1d17a],
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
];

function removeRanges(text: string, ranges: readonly (readonly [number, number])[]): string {
  let out = "";
  for (const ch of text) if (!inRanges(ch, ranges)) out += ch;
  return out;
}

/** RFC 4013 SASLprep (stored strings); undefined when the string contains prohibited characters. */
export function prepareSaslPrep(input: string): string | undefined {
  const out = removeRanges(input, MAPPED_TO_NOTHING).replace(NON_ASCII_SPACE, " ").normalize("NFKC");
  if (SASL_PROHIBITED.test(out) || inRanges(out, SASL_PROHIBITED_RANGES)) return undefined;
  // RFC 4013 §2.4 / RFC 3454 §6: a string with RandALCat characters must start and end with one and contain no
  // LCat character (approximated: letters of right-to-left scripts vs. other letters).
  const chars = [...out];
  if (chars.some(isRandAL)) {
    if (!isRandAL(chars[0]) || !isRandAL(chars[chars.length - 1])) return undefined;
    if (chars.some((c) => LETTER.test(c) && !isRandAL(c))) return undefined;
  }
  return out;
}

const RTL_SCRIPT =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}]/u;
const LETTER = /\p{L}/u;

function isRandAL(c: string): boolean {
  return c === "\u200f" || (LETTER.test(c) && RTL_SCRIPT.test(c));
}
