/**
 * Binary-safe query-string parsing for tracker URLs: `info_hash` and `peer_id` are raw bytes percent-encoded
 * (BEP 3), so values stay bytes here instead of going through a UTF-8 decode as URLSearchParams would.
 */

const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
};

/** Percent-decodes `text[start, end)` into bytes; `+` is a space; undefined for a broken escape. */
export function percentDecode(text: string, start = 0, end = text.length): Uint8Array | undefined {
  const out = new Uint8Array(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hexValue(text.charCodeAt(i + 2));
      if (hi < 0 || lo < 0 || i + 2 >= end) return undefined;
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else if (c === 0x2b) {
      out[n++] = 0x20;
    } else if (c > 0x7f) {
      return undefined;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

/** Raw (still percent-encoded) values by parameter name; a name may repeat (several `info_hash` in a scrape). */
export type QueryParams = ReadonlyMap<string, readonly string[]>;

/** Most parameters read from one query string. */
export const MAX_QUERY_PARAMS = 400;

const needsDecoding = (s: string): boolean => s.includes("%") || s.includes("+");

/** A parameter value as text (latin1 for escaped bytes); undefined when the escape is broken. */
export function decodeText(raw: string): string | undefined {
  if (!needsDecoding(raw)) return raw;
  const bytes = percentDecode(raw);
  return bytes === undefined
    ? undefined
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

/**
 * Splits a raw query string (without `?`) into names and still-encoded values: values are decoded only when
 * read (`percentDecode`, `decodeText`). Undefined when a name is badly escaped or there are too many fields.
 */
export function parseQuery(query: string): QueryParams | undefined {
  const params = new Map<string, string[]>();
  let count = 0;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf("&", start);
    if (end < 0) end = query.length;
    if (end > start) {
      if (++count > MAX_QUERY_PARAMS) return undefined;
      const eq = query.indexOf("=", start);
      const split = eq >= 0 && eq < end ? eq : end;
      const name = decodeText(query.slice(start, split));
      if (name === undefined) return undefined;
      const value = split < end ? query.slice(split + 1, end) : "";
      const list = params.get(name);
      if (list) list.push(value);
      else params.set(name, [value]);
    }
    start = end + 1;
  }
  return params;
}
