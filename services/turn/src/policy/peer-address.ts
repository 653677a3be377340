/**
 * Which peer addresses a relay may reach. Deny by default every range that points back into the server's own
 * or a private network (loopback, RFC 1918, CGNAT, link-local, unique-local, multicast, documentation,
 * unspecified, reserved), IPv4-mapped forms of those and NAT64 prefixes; `allowed` entries win over denied ones,
 * as coturn's allowed-peer-ip does. An IPv6 address that carries IPv4 (6to4, Teredo, mapped, translated, NAT64)
 * passes only if it passes itself and every IPv4 address inside it passes too.
 */
import { isIP } from "node:net";
import { blockListOf } from "@switchboard/runtime";
import { embeddedIpv4 } from "./embedded-ipv4.js";

/** Special-purpose ranges refused unless explicitly allowed (RFC 6890 and the IANA registries). */
export const DEFAULT_DENIED_PEER_RANGES: readonly string[] = Object.freeze([
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "255.255.255.255/32",
  "::/128",
  "::1/128",
  "::/96",
  "64:ff9b::/96",
  "64:ff9b:1::/48",
  "100::/64",
  "2001:db8::/32",
  "3fff::/20",
  "fc00::/7",
  "fe80::/10",
  "fec0::/10",
  "ff00::/8",
]);

export interface PeerPolicyOptions {
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
}

export interface PeerPolicy {
  /** Whether relaying to/from this IP (any textual IPv4 or IPv6 form) is permitted. */
  isAllowed(ip: string): boolean;
}

export function createPeerPolicy(opts: PeerPolicyOptions): PeerPolicy {
  const allowed = blockListOf(opts.allowed);
  const denied = blockListOf([...DEFAULT_DENIED_PEER_RANGES, ...opts.denied]);
  const verdict = (ip: string, type: "ipv4" | "ipv6"): boolean => {
    if (allowed.check(ip, type)) return true;
    return !denied.check(ip, type);
  };
  return {
    isAllowed(ip: string): boolean {
      const version = isIP(ip);
      if (version === 4) return verdict(ip, "ipv4");
      if (version !== 6) return false;
      if (allowed.check(ip, "ipv6")) return true;
      if (denied.check(ip, "ipv6")) return false;
      return embeddedIpv4(ip).every((inner) => verdict(inner, "ipv4"));
    },
  };
}
