import { BlockList, isIP } from "node:net";

/** The peer's address: the socket's, or — from a trusted proxy — the one it put in `X-Forwarded-For`. */
export type ClientAddress = (remote: string, forwardedFor: string | undefined) => string;

const plain = (a: string): string => (a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

/** Parses `10.0.0.0/8`, `127.0.0.1`, `::1`, `fd00::/8` entries; throws on a bad one (a configuration error). */
export function trustedProxies(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    if (family === 0) throw new Error(`not an address or subnet: ${entry}`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else {
      const bits = Number(prefix);
      if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`bad prefix: ${entry}`);
      list.addSubnet(address, bits, type);
    }
  }
  return list;
}

/**
 * Without trusted proxies the socket address is the peer's. From a trusted proxy, `X-Forwarded-For` is read from
 * the right, skipping further trusted proxies; a header that holds no usable address leaves the socket address.
 */
export function createClientAddress(trusted: BlockList | undefined): ClientAddress {
  if (trusted === undefined) return (remote) => remote;
  const isTrusted = (a: string): boolean => {
    const family = isIP(a);
    return family !== 0 && trusted.check(a, family === 4 ? "ipv4" : "ipv6");
  };
  return (remote, forwardedFor) => {
    const socketAddress = plain(remote);
    if (forwardedFor === undefined || !isTrusted(socketAddress)) return remote;
    const hops = forwardedFor.split(",").map((h) => plain(h.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] ?? "";
      if (isIP(hop) === 0) return remote;
      if (!isTrusted(hop) || i === 0) return hop;
    }
    return remote;
  };
}
