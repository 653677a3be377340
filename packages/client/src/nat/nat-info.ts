/**
 * What NAT behaviour discovery reports (RFC 5780 §4): the public address, mapping and filtering behaviour, the
 * classic (RFC 3489) name, hairpinning, and what could not be told.
 */

/** RFC 4787 §4.1 mapping behaviour, as tested in RFC 5780 §4.3. */
export type MappingBehavior =
  | "endpoint-independent"
  | "address-dependent"
  | "address-and-port-dependent"
  /** The mapping changed with the destination, but whether the port alone matters was not tested. */
  | "endpoint-dependent"
  | "unknown";

/** RFC 4787 §5 filtering behaviour, as tested in RFC 5780 §4.4. */
export type FilteringBehavior =
  "endpoint-independent" | "address-dependent" | "address-and-port-dependent" | "unknown";

/** The classic names (RFC 3489 §5), derived from mapping and filtering. */
export type NatType =
  "open" | "full-cone" | "restricted-cone" | "port-restricted-cone" | "symmetric" | "udp-blocked" | "unknown";

/** Every classic name, in order from most to least reachable. */
export const NAT_TYPES: readonly NatType[] = [
  "open",
  "full-cone",
  "restricted-cone",
  "port-restricted-cone",
  "symmetric",
  "udp-blocked",
  "unknown",
];

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface NATInfo {
  /** No STUN server answered over UDP at all. */
  readonly udpBlocked: boolean;
  /** The server-reflexive (public) address and port seen by the first server that answered. */
  readonly publicAddress?: Endpoint;
  /** The local address and port the probes left from (as bound; 0.0.0.0 when not bound to one). */
  readonly localAddress?: Endpoint;
  /** true: the public address is one of this host's own; undefined when it cannot be told. */
  readonly natPresent?: boolean;
  readonly mapping: MappingBehavior;
  readonly filtering: FilteringBehavior;
  readonly natType: NatType;
  /** true/false when tested; undefined when not (no public address). */
  readonly hairpinning?: boolean;
  /** Whether the server that was used answers CHANGE-REQUEST and names OTHER-ADDRESS (RFC 5780). */
  readonly rfc5780: boolean;
  /** The server used for behaviour discovery ("host:port"), or the first one that answered. */
  readonly server?: string;
  /** What could not be told, and why (human sentences, stable enough for logs). */
  readonly undetermined: readonly string[];
}

/** A transport address as a "host:port" string (IPv6 in brackets). */
export function formatEndpoint(e: Endpoint): string {
  return e.address.includes(":") ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export function sameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  return a !== undefined && b !== undefined && a.address === b.address && a.port === b.port;
}
