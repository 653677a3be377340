/**
 * IP address literals <-> bytes, without node:net: dotted IPv4, and IPv6 in any RFC 4291 §2.2 form (with an
 * embedded IPv4 tail and an optional `%zone`, which is dropped). Formatting follows RFC 5952 (as node's
 * `rinfo.address` does), with the mixed form for IPv4-mapped addresses (`::ffff:1.2.3.4`).
 */

/** Writes an IPv4 literal into out[at..at+4); false when it is not one. */
export function parseIPv4(text: string, out: Uint8Array, at = 0): boolean {
  let part = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // treat end as '.'
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return false; // no leading zeros
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return false;
    } else if (c === 46) {
      if (digits === 0 || index > 3) return false;
      out[at + index++] = part;
      part = 0;
      digits = 0;
    } else return false;
  }
  return index === 4;
}

/** Writes an IPv6 literal into out[at..at+16); false when it is not one. */
export function parseIPv6(text: string, out: Uint8Array, at = 0): boolean {
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (text.length < 2 || text.length > 45) return false;
  const words: number[] = [];
  let gap = -1;
  let i = 0;
  if (text.startsWith("::")) {
    gap = 0;
    i = 2;
    if (i === text.length) {
      out.fill(0, at, at + 16);
      return true;
    }
  } else if (text.charCodeAt(0) === 58) return false;
  while (i < text.length) {
    // IPv4 tail?
    const colon = text.indexOf(":", i);
    const chunk = colon < 0 ? text.slice(i) : text.slice(i, colon);
    if (colon < 0 && chunk.includes(".")) {
      const v4 = new Uint8Array(4);
      if (!parseIPv4(chunk, v4)) return false;
      words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      break;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(chunk)) return false;
    words.push(parseInt(chunk, 16));
    if (colon < 0) break;
    if (text.charCodeAt(colon + 1) === 58) {
      if (gap >= 0) return false;
      gap = words.length;
      i = colon + 2;
      if (i === text.length) break;
    } else {
      i = colon + 1;
      if (i === text.length) return false; // trailing single colon
    }
  }
  if (gap < 0 ? words.length !== 8 : words.length > 7) return false;
  const full = new Array<number>(8).fill(0);
  if (gap < 0) for (let k = 0; k < 8; k++) full[k] = words[k]!;
  else {
    for (let k = 0; k < gap; k++) full[k] = words[k]!;
    const tail = words.length - gap;
    for (let k = 0; k < tail; k++) full[8 - tail + k] = words[gap + k]!;
  }
  for (let k = 0; k < 8; k++) {
    out[at + 2 * k] = full[k] >> 8;
    out[at + 2 * k + 1] = full[k] & 0xff;
  }
  return true;
}

/** Dotted-quad text of 4 bytes at `at`. */
export function formatIPv4(bytes: Uint8Array, at = 0): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** RFC 5952 text of 16 bytes at `at` (lowercase, longest zero run of 2+ words compressed, first on ties). */
export function formatIPv6(bytes: Uint8Array, at = 0): string {
  const w: number[] = [];
  for (let k = 0; k < 8; k++) w.push((bytes[at + 2 * k] << 8) | bytes[at + 2 * k + 1]);
  // IPv4-mapped ::ffff:a.b.c.d (RFC 5952 §5)
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, at + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let k = 0; k < 8;) {
    if (w[k] !== 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && w[e] === 0) e++;
    if (e - k > bestLen) {
      bestStart = k;
      bestLen = e - k;
    }
    k = e;
  }
  if (bestStart < 0) return w.map((x) => x.toString(16)).join(":");
  const head = w.slice(0, bestStart).map((x) => x.toString(16));
  const tail = w.slice(bestStart + bestLen).map((x) => x.toString(16));
  return `${head.join(":")}::${tail.join(":")}`;
}
