import { isIP, type BlockList } from "node:net";
import { blockListOf } from "@switchboard/runtime";

/** The peer's address: the socket's, or — from a trusted proxy — the one it put in `X-Forwarded-For`. */
export type ClientAddress = (remote: string, forwardedFor: string | undefined) => string;

const plain = (a: string): string => (a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

/** The trusted proxies' ranges (`10.0.0.0/8`, `127.0.0.1`, `::1`, `fd00::/8`); undefined when there are none. */
export function trustedProxies(entries: readonly string[]): BlockList | undefined {
  return entries.length === 0 ? undefined : blockListOf(entries);
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
