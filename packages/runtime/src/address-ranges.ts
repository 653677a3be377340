import { BlockList, isIP } from "node:net";

/** An address range: `a.b.c.d/n`, `x::/n`, or a bare address (a /32 or /128). */
export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly type: "ipv4" | "ipv6";
}

/** Parses one CIDR or bare address; throws an Error naming the entry on anything else. */
export function parseCidr(entry: string): Cidr {
  const [address = "", prefixText, extra] = entry.trim().split("/");
  const version = isIP(address);
  if (version === 0 || extra !== undefined) {
    throw new Error(`expected an address or CIDR, got ${JSON.stringify(entry)}`);
  }
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) {
    throw new Error(`bad prefix length in ${JSON.stringify(entry)}`);
  }
  return { address, prefix, type: version === 4 ? "ipv4" : "ipv6" };
}

/**
 * A `net.BlockList` holding every range (throws on a bad entry). BlockList also matches the IPv4-mapped IPv6
 * form (`::ffff:a.b.c.d`) of an address against IPv4 ranges.
 */
export function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const c = parseCidr(entry);
    list.addSubnet(c.address, c.prefix, c.type);
  }
  return list;
}
