/**
 * IPv4 addresses carried inside IPv6 addresses, which a relay would reach through a translator or tunnel:
 * IPv4-mapped `::ffff:0:0/96` (RFC 4291), IPv4-translated `::ffff:0:0:0/96` (RFC 2765 SIIT), the NAT64
 * well-known prefix `64:ff9b::/96` (RFC 6052), 6to4 `2002::/16` (RFC 3056, bits 16–47) and Teredo `2001::/32`
 * (RFC 4380: the server in bits 32–63, the client in bits 96–127 XORed with all ones). Pure; no I/O.
 */
import ipaddr from "ipaddr.js";

const v4 = (b: readonly number[], at: number, xor = 0): string =>
  [0, 1, 2, 3].map((i) => ((b[at + i] ?? 0) ^ xor) & 0xff).join(".");

const zero = (b: readonly number[], from: number, to: number): boolean =>
  b.slice(from, to).every((x) => x === 0);

/** Every IPv4 address embedded in an IPv6 address (empty for plain IPv6 or anything that is not IPv6). */
export function embeddedIpv4(ip: string): string[] {
  if (!ipaddr.IPv6.isValid(ip)) return [];
  const b = ipaddr.IPv6.parse(ip).toByteArray();
  if (zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return [v4(b, 12)];
  if (zero(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zero(b, 10, 12)) return [v4(b, 12)];
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(b, 4, 12)) return [v4(b, 12)];
  if (b[0] === 0x20 && b[1] === 0x02) return [v4(b, 2)];
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x00 && b[3] === 0x00) return [v4(b, 4), v4(b, 12, 0xff)];
  return [];
}
