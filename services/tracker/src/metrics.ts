import type { TrackerTransport } from "@switchboard/protocol";
import { Counter, Gauge, type Registry } from "@switchboard/runtime";
import type { StoreTotals } from "./state/swarm-store.js";

/**
 * Announces served since the last scrape of the metrics, by transport: plain numbers the announce path adds to
 * (no counter call per announce), handed to `tracker_announces_total` whenever the registry is read.
 */
export type AnnounceTally = Record<TrackerTransport, number>;

/** The tracker's metrics: counters by transport and result, gauges read from incrementally kept totals. */
export interface TrackerMetrics {
  /** Count an announce with `announced[transport]++`; read through the registry (`tracker_announces_total`). */
  readonly announced: AnnounceTally;
  /**
   * Adds a source of announces counted elsewhere (the C announce path): `take` gives those served since its last
   * call, and is called whenever the registry is read.
   */
  countAnnouncesFrom(transport: TrackerTransport, take: () => number): void;
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
  const announced: AnnounceTally = { http: 0, udp: 0, websocket: 0 };
  const sources: Array<{ transport: TrackerTransport; take: () => number }> = [];
  return {
    announced,
    countAnnouncesFrom(transport, take) {
      sources.push({ transport, take });
    },
    announces: new Counter({
      name: "tracker_announces_total",
      help: "Announces served, by transport",
      labelNames: ["transport"],
      registers: [registry],
      collect() {
        for (const s of sources) announced[s.transport] += s.take();
        for (const transport of ["http", "udp", "websocket"] as const) {
          const n = announced[transport];
          if (n === 0) continue;
          announced[transport] = 0;
          this.inc({ transport }, n);
        }
      },
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
