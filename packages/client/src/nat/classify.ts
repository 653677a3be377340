/**
 * Pure classification of RFC 5780 test results (§4.3 mapping, §4.4 filtering) into behaviours and the classic
 * RFC 3489 name. No sockets: the probe (discover.ts) collects {@link NatObservations}, this turns them into a
 * {@link NATInfo}.
 */
import {
  sameEndpoint,
  type Endpoint,
  type FilteringBehavior,
  type MappingBehavior,
  type NATInfo,
  type NatType,
} from "./nat-info.js";

/** A mapped address seen by one more server (RFC 5389-only servers: comparing them hints at the mapping). */
export interface OtherServerMapping {
  readonly serverAddress: string;
  readonly mapped: Endpoint;
}

/** What the probes saw. `undefined` = test not run; `null` = run, no answer. */
export interface NatObservations {
  /** The server used for behaviour discovery ("host:port"). */
  readonly server?: string;
  /** The IP of that server (the primary address). */
  readonly serverAddress?: string;
  readonly localAddress?: Endpoint;
  /** This host's own interface addresses. */
  readonly localAddresses: readonly string[];
  /** Test I (§4.3): the mapped address and the server's OTHER-ADDRESS; null when no server answered. */
  readonly testI: { readonly mapped: Endpoint; readonly otherAddress?: Endpoint } | null;
  /** Test II (§4.3): mapped address seen from (alternate IP, primary port). */
  readonly testII?: Endpoint | null;
  /** Test III (§4.3): mapped address seen from (alternate IP, alternate port). */
  readonly testIII?: Endpoint | null;
  /** Filtering test II (§4.4, CHANGE-REQUEST IP+port) on a fresh socket: did the answer come through? */
  readonly filterChangeIpPort?: boolean;
  /** Filtering test III (§4.4, CHANGE-REQUEST port only): did the answer come through? */
  readonly filterChangePort?: boolean;
  /** Hairpinning test (§4.5): did a request to our own mapped address come back to us? */
  readonly hairpin?: boolean;
  /** Test I against further servers, from the same socket. */
  readonly otherServers: readonly OtherServerMapping[];
}

export function classifyMapping(o: NatObservations, natPresent: boolean | undefined): MappingBehavior {
  if (o.testI === null) return "unknown";
  if (natPresent === false) return "endpoint-independent";
  const m1 = o.testI.mapped;
  if (o.testI.otherAddress !== undefined && o.testII) {
    if (sameEndpoint(o.testII, m1)) return "endpoint-independent";
    if (o.testIII) {
      return sameEndpoint(o.testIII, o.testII) ? "address-dependent" : "address-and-port-dependent";
    }
    return "endpoint-dependent";
  }
  // Without RFC 5780: servers at other IP addresses seeing the same mapping rule out both dependent kinds.
  const elsewhere = o.otherServers.filter((s) => s.serverAddress !== o.serverAddress);
  if (elsewhere.length === 0) return "unknown";
  return elsewhere.every((s) => sameEndpoint(s.mapped, m1)) ? "endpoint-independent" : "endpoint-dependent";
}

export function classifyFiltering(o: NatObservations): FilteringBehavior {
  if (o.filterChangeIpPort === true) return "endpoint-independent";
  if (o.filterChangeIpPort === false && o.filterChangePort === true) return "address-dependent";
  if (o.filterChangeIpPort === false && o.filterChangePort === false) return "address-and-port-dependent";
  return "unknown";
}

/**
 * The classic name. A host without NAT whose firewall filters (ADF/APDF) behaves like the cone of that filtering,
 * so it gets that cone's name; "open" is a host without NAT whose filtering lets anyone in (or was not told).
 */
export function classicName(
  mapping: MappingBehavior,
  filtering: FilteringBehavior,
  natPresent: boolean | undefined,
): NatType {
  if (mapping === "unknown") return "unknown";
  if (mapping !== "endpoint-independent") return "symmetric";
  if (natPresent === false && (filtering === "endpoint-independent" || filtering === "unknown"))
    return "open";
  switch (filtering) {
    case "endpoint-independent":
      return "full-cone";
    case "address-dependent":
      return "restricted-cone";
    case "address-and-port-dependent":
      return "port-restricted-cone";
    default:
      return "unknown";
  }
}

export function isNatPresent(o: NatObservations): boolean | undefined {
  if (o.testI === null) return undefined;
  const mapped = o.testI.mapped;
  if (!o.localAddresses.includes(mapped.address)) return true;
  // The public address is ours: no NAT unless a port translation sits in front of us.
  if (o.localAddress === undefined || o.localAddress.port === 0) return undefined;
  return mapped.port !== o.localAddress.port;
}

/** Observations → the report, with a sentence for everything that could not be told. */
export function classify(o: NatObservations): NATInfo {
  if (o.testI === null) {
    return {
      udpBlocked: true,
      mapping: "unknown",
      filtering: "unknown",
      natType: "udp-blocked",
      rfc5780: false,
      ...(o.server !== undefined && { server: o.server }),
      ...(o.localAddress && { localAddress: o.localAddress }),
      undetermined: ["no STUN server answered over UDP: UDP is blocked (or every server is down)"],
    };
  }
  const natPresent = isNatPresent(o);
  const mapping = classifyMapping(o, natPresent);
  const filtering = classifyFiltering(o);
  const rfc5780 = o.testI.otherAddress !== undefined;
  const undetermined: string[] = [];
  if (natPresent === undefined) undetermined.push("whether a NAT is present (the local port is not known)");
  if (mapping === "unknown") {
    undetermined.push(
      rfc5780
        ? "mapping behaviour: the server's alternate address did not answer"
        : "mapping behaviour: the server does not support RFC 5780 (no OTHER-ADDRESS) and no second server at another address answered",
    );
  } else if (mapping === "endpoint-dependent") {
    undetermined.push(
      rfc5780
        ? "whether the mapping depends on the port too: the alternate address and port did not answer"
        : "whether the mapping depends on the address only or on the address and port (needs an RFC 5780 server)",
    );
  }
  if (filtering === "unknown") {
    undetermined.push(
      rfc5780
        ? "filtering behaviour: the filtering tests got no usable answer"
        : "filtering behaviour: the server does not support RFC 5780 (CHANGE-REQUEST)",
    );
  }
  if (o.hairpin === undefined && natPresent !== false) undetermined.push("hairpinning: not tested");
  return {
    udpBlocked: false,
    publicAddress: o.testI.mapped,
    ...(o.localAddress && { localAddress: o.localAddress }),
    ...(natPresent !== undefined && { natPresent }),
    mapping,
    filtering,
    natType: classicName(mapping, filtering, natPresent),
    ...(o.hairpin !== undefined && { hairpinning: o.hairpin }),
    rfc5780,
    ...(o.server !== undefined && { server: o.server }),
    undetermined,
  };
}
