/**
 * Peer addresses as 16 bytes (IPv4 as IPv4-mapped `::ffff:a.b.c.d`), the form swarm storage keeps, and back.
 */

/** Length of a stored address. */
export const ADDRESS_LENGTH = 16;

/** Dotted quad → 4 bytes at `offset` (a hot path: no regex, no split). */
function parseIPv4(text: string, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let digits = 0;
  let n = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 0x2e : text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || n > 255 || part > 3) return false;
      out[offset + part++] = n;
      n = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      n = n * 10 + (c - 0x30);
      digits++;
    } else return false;
  }
  return part === 4;
}

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  for (const g of text.split(":")) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    groups.push(parseInt(g, 16));
  }
  return groups;
}

/** Parses an IPv4 or IPv6 address (zone ids dropped) into 16 bytes; undefined when it is not an address. */
export function addressToBytes(address: string): Uint8Array | undefined {
  const out = new Uint8Array(ADDRESS_LENGTH);
  if (!address.includes(":")) {
    out[10] = 0xff;
    out[11] = 0xff;
    return parseIPv4(address, out, 12) ? out : undefined;
  }
  let text = address.split("%")[0] ?? "";
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = new Uint8Array(4);
    if (!parseIPv4(text.slice(lastColon + 1), v4, 0)) return undefined;
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    text = text.slice(0, lastColon + 1) + "0";
    text = text.slice(0, -2) === "" ? "::" : text.slice(0, text.endsWith("::0") ? -1 : -2);
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? "");
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? "") : [];
  if (head === undefined || rest === undefined) return undefined;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** True when 16 stored bytes hold an IPv4-mapped address. */
export function isMappedIPv4(bytes: Uint8Array, offset = 0): boolean {
  for (let i = 0; i < 10; i++) if (bytes[offset + i] !== 0) return false;
  return bytes[offset + 10] === 0xff && bytes[offset + 11] === 0xff;
}

/** Text form of 16 stored bytes: dotted quad for IPv4-mapped, otherwise compressed IPv6. */
export function bytesToAddress(bytes: Uint8Array, offset = 0): string {
  if (isMappedIPv4(bytes, offset)) return Array.from(bytes.subarray(offset + 12, offset + 16)).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 8; i++)
    groups.push(((bytes[offset + i * 2] ?? 0) << 8) | (bytes[offset + i * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}
