/**
 * The TURN service's metrics (prom-client, base units, `_total` counters). Labels are bounded enums only:
 * never a username, IP address or port.
 */
import { Counter, Gauge, type Registry } from "@switchboard/runtime";

export type Direction = "client_to_peer" | "peer_to_client";
export type DropReason =
  | "no_allocation"
  | "no_permission"
  | "no_channel"
  | "policy"
  | "quota"
  | "capacity"
  | "malformed"
  | "rate_limited";
export type AuthFailure =
  | "missing"
  | "bad_request"
  | "unknown_user"
  | "expired"
  | "stale_nonce"
  | "bad_integrity"
  | "wrong_credentials";

/** Plain counters bumped on the hot path; folded into the prom-client counters when they are scraped. */
export interface RelayCounters {
  c2pBytes: number;
  c2pPackets: number;
  p2cBytes: number;
  p2cPackets: number;
}

export interface TurnMetrics {
  readonly relay: RelayCounters;
  readonly allocationsActive: Gauge;
  readonly permissionsActive: Gauge;
  readonly channelsActive: Gauge;
  readonly allocationsCreated: Counter<"family">;
  readonly relayedBytes: Counter<"direction">;
  readonly relayedPackets: Counter<"direction">;
  readonly dropped: Counter<"reason">;
  readonly requests: Counter<"method" | "result">;
  readonly authFailures: Counter<"reason">;
  readonly connectionsRejected: Counter<"reason">;
  readonly connections: Gauge<"transport">;
}

export interface ActiveCounts {
  allocations(): number;
  permissions(): number;
  channels(): number;
}

export function createTurnMetrics(registry: Registry, active: ActiveCounts): TurnMetrics {
  const registers = [registry];
  const relay: RelayCounters = { c2pBytes: 0, c2pPackets: 0, p2cBytes: 0, p2cPackets: 0 };
  const flushed: RelayCounters = { ...relay };
  const flush = (
    counter: Counter<"direction">,
    c2p: "c2pBytes" | "c2pPackets",
    p2c: "p2cBytes" | "p2cPackets",
  ) => {
    counter.inc({ direction: "client_to_peer" }, relay[c2p] - flushed[c2p]);
    counter.inc({ direction: "peer_to_client" }, relay[p2c] - flushed[p2c]);
    flushed[c2p] = relay[c2p];
    flushed[p2c] = relay[p2c];
  };
  return {
    relay,
    allocationsActive: new Gauge({
      name: "turn_allocations_active",
      help: "Allocations alive now",
      registers,
      collect() {
        this.set(active.allocations());
      },
    }),
    permissionsActive: new Gauge({
      name: "turn_permissions_active",
      help: "Permissions installed over all allocations (including expired ones not yet swept)",
      registers,
      collect() {
        this.set(active.permissions());
      },
    }),
    channelsActive: new Gauge({
      name: "turn_channels_active",
      help: "Live channel bindings over all allocations",
      registers,
      collect() {
        this.set(active.channels());
      },
    }),
    allocationsCreated: new Counter({
      name: "turn_allocations_created_total",
      help: "Allocations created, by relay address family",
      labelNames: ["family"],
      registers,
    }),
    relayedBytes: new Counter({
      name: "turn_relayed_bytes_total",
      help: "Application bytes relayed, by direction",
      labelNames: ["direction"],
      registers,
      collect() {
        flush(this, "c2pBytes", "p2cBytes");
      },
    }),
    relayedPackets: new Counter({
      name: "turn_relayed_packets_total",
      help: "Datagrams relayed, by direction",
      labelNames: ["direction"],
      registers,
      collect() {
        flush(this, "c2pPackets", "p2cPackets");
      },
    }),
    dropped: new Counter({
      name: "turn_dropped_packets_total",
      help: "Datagrams not relayed, by reason",
      labelNames: ["reason"],
      registers,
    }),
    requests: new Counter({
      name: "turn_requests_total",
      help: "STUN/TURN requests and indications handled, by method and result (success or error code)",
      labelNames: ["method", "result"],
      registers,
    }),
    authFailures: new Counter({
      name: "turn_auth_failures_total",
      help: "Authentication failures, by reason",
      labelNames: ["reason"],
      registers,
    }),
    connectionsRejected: new Counter({
      name: "turn_connections_rejected_total",
      help: "TCP/TLS connections refused (limit, address_limit) or closed without an authenticated request in time (first_request_timeout)",
      labelNames: ["reason"],
      registers,
    }),
    connections: new Gauge({
      name: "turn_connections_active",
      help: "Open TCP/TLS client connections",
      labelNames: ["transport"],
      registers,
    }),
  };
}
