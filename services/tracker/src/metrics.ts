import { Counter, Gauge, type Registry } from "@switchboard/runtime";
import type { StoreTotals } from "./state/swarm-store.js";

/** The tracker's metrics: counters by transport and result, gauges read from incrementally kept totals. */
export interface TrackerMetrics {
  readonly announces: Counter<"transport">;
  readonly scrapes: Counter<"transport">;
  readonly refusals: Counter<"transport" | "code">;
  readonly malformed: Counter<"transport">;
  readonly expired: Counter;
  readonly relayed: Counter<"kind">;
}

export function createTrackerMetrics(registry: Registry, totals: () => StoreTotals): TrackerMetrics {
  const gauge = (name: string, help: string, pick: (t: StoreTotals) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(totals()));
      },
    });
  };
  gauge("tracker_torrents", "Torrents with at least one peer", (t) => t.torrents);
  gauge("tracker_seeders", "Peers with the whole torrent", (t) => t.seeders);
  gauge("tracker_leechers", "Peers still downloading", (t) => t.leechers);
  return {
    announces: new Counter({
      name: "tracker_announces_total",
      help: "Announces served, by transport",
      labelNames: ["transport"],
      registers: [registry],
    }),
    scrapes: new Counter({
      name: "tracker_scrapes_total",
      help: "Scrapes served, by transport",
      labelNames: ["transport"],
      registers: [registry],
    }),
    refusals: new Counter({
      name: "tracker_refusals_total",
      help: "Requests refused with a failure reason, by transport and failure code",
      labelNames: ["transport", "code"],
      registers: [registry],
    }),
    malformed: new Counter({
      name: "tracker_malformed_total",
      help: "Undecodable requests dropped or refused, by transport",
      labelNames: ["transport"],
      registers: [registry],
    }),
    expired: new Counter({
      name: "tracker_peers_expired_total",
      help: "Peers removed because they stopped announcing",
      registers: [registry],
    }),
    relayed: new Counter({
      name: "tracker_webrtc_relayed_total",
      help: "WebRTC offers and answers relayed between WebSocket peers",
      labelNames: ["kind"],
      registers: [registry],
    }),
  };
}
