/**
 * What to try, from the NAT behaviours of one or two hosts (pure). ICE always keeps TURN in its list; this says
 * what is expected to win.
 *
 * Pairs (RFC 4787 terms): with endpoint-independent mapping on both sides, hole punching works whatever the
 * filtering (each side's packets go to the other's one public port, which then lets the answers in). With an
 * endpoint-dependent (symmetric) mapping on one side, the other side learns the new port only from the first
 * packet that arrives, so that packet must pass its filter: it does when the other side filters by address at
 * most (its own packets to the symmetric side's address opened the filter for any port there), and not when it
 * filters by address and port. Symmetric on both sides: neither port can be known in advance, so TURN.
 */
import type { FilteringBehavior, NATInfo, NatType } from "./nat-info.js";

export type Strategy = "direct" | "hole-punching" | "turn";

export interface StrategyAdvice {
  readonly strategy: Strategy;
  /** For a pair: whether a direct (non-relayed) connection is expected; undefined when it cannot be told. */
  readonly directExpected?: boolean;
  readonly reason: string;
}

type Side = Pick<NATInfo, "udpBlocked" | "mapping" | "filtering" | "natType">;

/** The behaviours a classic name stands for (to ask "and with a peer behind a symmetric NAT?"). */
export function natProfile(natType: NatType): Side {
  const eimWith = (filtering: FilteringBehavior): Side => ({
    udpBlocked: false,
    mapping: "endpoint-independent",
    filtering,
    natType,
  });
  switch (natType) {
    case "open":
    case "full-cone":
      return eimWith("endpoint-independent");
    case "restricted-cone":
      return eimWith("address-dependent");
    case "port-restricted-cone":
      return eimWith("address-and-port-dependent");
    case "symmetric":
      return {
        udpBlocked: false,
        mapping: "address-and-port-dependent",
        filtering: "address-and-port-dependent",
        natType,
      };
    case "udp-blocked":
      return { udpBlocked: true, mapping: "unknown", filtering: "unknown", natType };
    default:
      return { udpBlocked: false, mapping: "unknown", filtering: "unknown", natType };
  }
}

const known = (s: Side): boolean => s.mapping !== "unknown";
const eim = (s: Side): boolean => s.mapping === "endpoint-independent";
/** Anyone can send to its public address unasked (no NAT and no filter, or a full cone). */
const reachable = (s: Side): boolean => eim(s) && s.filtering === "endpoint-independent";

/** Whether two hosts are expected to connect without a relay; undefined when their behaviour is not known. */
export function expectDirect(a: Side, b: Side): boolean | undefined {
  if (a.udpBlocked || b.udpBlocked) return false;
  if (!known(a) || !known(b)) return undefined;
  if (eim(a) && eim(b)) return true;
  if (!eim(a) && !eim(b)) return false;
  const cone = eim(a) ? a : b;
  if (cone.filtering === "unknown") return undefined;
  return cone.filtering !== "address-and-port-dependent";
}

/** The strategy for this host alone, or for this host and a peer. */
export function getRecommendedStrategy(info: Side, peerInfo?: Side): StrategyAdvice {
  if (peerInfo === undefined) return alone(info);
  if (info.udpBlocked || peerInfo.udpBlocked) {
    return {
      strategy: "turn",
      directExpected: false,
      reason: "UDP is blocked on one side: relay over TURN (TCP/TLS)",
    };
  }
  const direct = expectDirect(info, peerInfo);
  if (direct === undefined) {
    return {
      strategy: "hole-punching",
      reason: "the NAT behaviour of one side is not known: try ICE hole punching with TURN as the fallback",
    };
  }
  if (!direct) {
    return {
      strategy: "turn",
      directExpected: false,
      reason: `${info.natType} ↔ ${peerInfo.natType}: no port can be predicted on a symmetric side that the other side's filter lets in — relay over TURN`,
    };
  }
  if (reachable(info) || reachable(peerInfo)) {
    return {
      strategy: "direct",
      directExpected: true,
      reason: `${info.natType} ↔ ${peerInfo.natType}: one side accepts packets from anyone at its public address`,
    };
  }
  return {
    strategy: "hole-punching",
    directExpected: true,
    reason: `${info.natType} ↔ ${peerInfo.natType}: simultaneous packets from both sides open both NATs (ICE)`,
  };
}

function alone(info: Side): StrategyAdvice {
  if (info.udpBlocked) return { strategy: "turn", reason: "UDP is blocked: relay over TURN (TCP/TLS)" };
  if (!known(info)) {
    return {
      strategy: "hole-punching",
      reason: "the mapping is not known: try ICE with TURN as the fallback",
    };
  }
  if (reachable(info)) {
    return { strategy: "direct", reason: `${info.natType}: peers can reach this host at its public address` };
  }
  if (eim(info)) {
    return {
      strategy: "hole-punching",
      reason: `${info.natType}: the public port stays the same for every peer, so hole punching works with every cone peer${info.filtering === "address-and-port-dependent" ? " (not with a symmetric one)" : ""}`,
    };
  }
  return {
    strategy: "turn",
    reason:
      "symmetric: the public port changes with every peer; direct only with an open, full cone or restricted cone peer, otherwise TURN",
  };
}
