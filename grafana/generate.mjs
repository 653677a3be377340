#!/usr/bin/env node
// Writes grafana/dashboards/*.json (one dashboard per service plus an overview) from the panel lists below:
//   node grafana/generate.mjs          rewrite the files
//   node grafana/generate.mjs --check  exit 1 when a file differs from what this script makes
// Every expression uses only metrics the services export (test/deploy checks them against live /metrics).
import { readFileSync, writeFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";

const DS = { type: "prometheus", uid: "prometheus" };
const dir = new URL("dashboards/", import.meta.url);

/** A time-series panel: [title, unit, [expr, legend]…]. */
const ts = (title, unit, ...queries) => ({ kind: "timeseries", title, unit, queries });
/** A single-value panel. */
const stat = (title, unit, expr, legend = "") => ({ kind: "stat", title, unit, queries: [[expr, legend]] });

const sel = (job) => `job="${job}", instance=~"$instance"`;

function processPanels(job) {
  return [
    ts("CPU", "percentunit", [
      `sum by (instance) (rate(process_cpu_seconds_total{${sel(job)}}[$__rate_interval]))`,
      "{{instance}}",
    ]),
    ts("Resident memory", "bytes", [`process_resident_memory_bytes{${sel(job)}}`, "{{instance}}"]),
    ts("Event loop lag p99", "s", [`nodejs_eventloop_lag_p99_seconds{${sel(job)}}`, "{{instance}}"]),
    ts("Heap used", "bytes", [
      `sum by (instance) (nodejs_heap_space_size_used_bytes{${sel(job)}})`,
      "{{instance}}",
    ]),
  ];
}

const dashboards = {
  overview: {
    title: "Switchboard — overview",
    description: "Every service at a glance: instances up, load, errors.",
    job: null,
    panels: [
      stat("Signaling instances up", "none", 'sum(up{job="signaling"})'),
      stat("Tracker instances up", "none", 'sum(up{job="tracker"})'),
      stat("STUN instances up", "none", 'sum(up{job="stun"})'),
      stat("TURN instances up", "none", 'sum(up{job="turn"})'),
      ts("Targets up", "none", ['sum by (job) (up{job=~"signaling|tracker|stun|turn"})', "{{job}}"]),
      ts("Alerts firing", "none", [
        'sum by (alertname, severity) (ALERTS{alertstate="firing"})',
        "{{alertname}} ({{severity}})",
      ]),
      ts(
        "Signaling connections and peers",
        "none",
        ["sum(signaling_connections)", "connections"],
        ["sum(signaling_peers)", "peers in rooms"],
      ),
      ts("STUN requests/s", "reqps", [
        "sum by (result) (rate(stun_requests_total[$__rate_interval]))",
        "{{result}}",
      ]),
      ts("TURN allocations", "none", ["sum(turn_allocations_active)", "allocations"]),
      ts("TURN relayed bits/s", "bps", [
        "sum by (direction) (rate(turn_relayed_bytes_total[$__rate_interval])) * 8",
        "{{direction}}",
      ]),
      ts("Tracker announces/s", "reqps", [
        "sum by (transport) (rate(tracker_announces_total[$__rate_interval]))",
        "{{transport}}",
      ]),
      ts(
        "Signaling relay latency",
        "s",
        [
          "histogram_quantile(0.5, sum by (le) (rate(signaling_relay_latency_seconds_bucket[$__rate_interval])))",
          "p50",
        ],
        [
          "histogram_quantile(0.99, sum by (le) (rate(signaling_relay_latency_seconds_bucket[$__rate_interval])))",
          "p99",
        ],
      ),
      ts(
        "Error ratio by service",
        "percentunit",
        [
          'sum(rate(signaling_messages_total{result!="ok"}[$__rate_interval])) / clamp_min(sum(rate(signaling_messages_total[$__rate_interval])), 1e-9)',
          "signaling",
        ],
        [
          'sum(rate(turn_requests_total{result!~"success|dropped|401|438"}[$__rate_interval])) / clamp_min(sum(rate(turn_requests_total[$__rate_interval])), 1e-9)',
          "turn",
        ],
        [
          'sum(rate(stun_requests_total{result!~"success|indication"}[$__rate_interval])) / clamp_min(sum(rate(stun_requests_total[$__rate_interval])), 1e-9)',
          "stun",
        ],
        [
          "sum(rate(tracker_refusals_total[$__rate_interval])) / clamp_min(sum(rate(tracker_announces_total[$__rate_interval])), 1e-9)",
          "tracker",
        ],
      ),
    ],
  },
  stun: {
    title: "Switchboard — STUN",
    description: "STUN Binding service: requests by transport and outcome, TCP connections, process.",
    job: "stun",
    panels: [
      ts("Requests/s by result", "reqps", [
        `sum by (result) (rate(stun_requests_total{${sel("stun")}}[$__rate_interval]))`,
        "{{result}}",
      ]),
      ts("Requests/s by transport", "reqps", [
        `sum by (transport) (rate(stun_requests_total{${sel("stun")}}[$__rate_interval]))`,
        "{{transport}}",
      ]),
      ts("Rate-limited (amplification guard)/s", "reqps", [
        `sum(rate(stun_requests_total{${sel("stun")}, result="rate_limited"}[$__rate_interval]))`,
        "rate limited",
      ]),
      ts("Send errors/s", "reqps", [
        `sum by (transport) (rate(stun_send_errors_total{${sel("stun")}}[$__rate_interval]))`,
        "{{transport}}",
      ]),
      ts("TCP connections", "none", [`sum(stun_tcp_connections_active{${sel("stun")}})`, "open"]),
      ts("TCP closes/s by reason", "reqps", [
        `sum by (reason) (rate(stun_tcp_connections_closed_total{${sel("stun")}}[$__rate_interval]))`,
        "{{reason}}",
      ]),
      ...processPanels("stun"),
    ],
  },
  turn: {
    title: "Switchboard — TURN",
    description: "TURN relay: allocations, relayed traffic, requests, authentication, drops, process.",
    job: "turn",
    panels: [
      stat("Allocations", "none", `sum(turn_allocations_active{${sel("turn")}})`),
      stat("Permissions", "none", `sum(turn_permissions_active{${sel("turn")}})`),
      stat("Channels", "none", `sum(turn_channels_active{${sel("turn")}})`),
      ts("Allocations by instance", "none", [`turn_allocations_active{${sel("turn")}}`, "{{instance}}"]),
      ts("Allocations created/s by family", "reqps", [
        `sum by (family) (rate(turn_allocations_created_total{${sel("turn")}}[$__rate_interval]))`,
        "{{family}}",
      ]),
      ts("Relayed bits/s", "bps", [
        `sum by (direction) (rate(turn_relayed_bytes_total{${sel("turn")}}[$__rate_interval])) * 8`,
        "{{direction}}",
      ]),
      ts("Relayed packets/s", "pps", [
        `sum by (direction) (rate(turn_relayed_packets_total{${sel("turn")}}[$__rate_interval]))`,
        "{{direction}}",
      ]),
      ts("Requests/s by method and result", "reqps", [
        `sum by (method, result) (rate(turn_requests_total{${sel("turn")}}[$__rate_interval]))`,
        "{{method}} {{result}}",
      ]),
      ts("Authentication failures/s", "reqps", [
        `sum by (reason) (rate(turn_auth_failures_total{${sel("turn")}}[$__rate_interval]))`,
        "{{reason}}",
      ]),
      ts("Dropped packets/s", "pps", [
        `sum by (reason) (rate(turn_dropped_packets_total{${sel("turn")}}[$__rate_interval]))`,
        "{{reason}}",
      ]),
      ts("Client connections (TCP/TLS)", "none", [
        `sum by (transport) (turn_connections_active{${sel("turn")}})`,
        "{{transport}}",
      ]),
      ...processPanels("turn"),
    ],
  },
  signaling: {
    title: "Switchboard — signaling",
    description: "Signaling: connections, rooms, messages, relay latency, Redis, peer connection outcomes.",
    job: "signaling",
    panels: [
      stat("Connections", "none", `sum(signaling_connections{${sel("signaling")}})`),
      stat("Rooms (sum over instances)", "none", `sum(signaling_rooms{${sel("signaling")}})`),
      stat("Peers", "none", `sum(signaling_peers{${sel("signaling")}})`),
      ts("Connections by instance", "none", [`signaling_connections{${sel("signaling")}}`, "{{instance}}"]),
      ts("New connections/s", "reqps", [
        `sum(rate(signaling_connections_total{${sel("signaling")}}[$__rate_interval]))`,
        "accepted",
      ]),
      ts("Sessions", "none", [`sum by (instance) (signaling_sessions{${sel("signaling")}})`, "{{instance}}"]),
      ts("Client messages/s by type", "reqps", [
        `sum by (type) (rate(signaling_messages_total{${sel("signaling")}}[$__rate_interval]))`,
        "{{type}}",
      ]),
      ts("Errors/s by code", "reqps", [
        `sum by (result) (rate(signaling_messages_total{${sel("signaling")}, result!="ok"}[$__rate_interval]))`,
        "{{result}}",
      ]),
      ts("Messages sent/s by type", "reqps", [
        `sum by (type) (rate(signaling_sent_messages_total{${sel("signaling")}}[$__rate_interval]))`,
        "{{type}}",
      ]),
      ts(
        "Relay latency",
        "s",
        [
          `histogram_quantile(0.5, sum by (le, path) (rate(signaling_relay_latency_seconds_bucket{${sel("signaling")}}[$__rate_interval])))`,
          "p50 {{path}}",
        ],
        [
          `histogram_quantile(0.99, sum by (le, path) (rate(signaling_relay_latency_seconds_bucket{${sel("signaling")}}[$__rate_interval])))`,
          "p99 {{path}}",
        ],
      ),
      ts("Redis round trips/s by result", "reqps", [
        `sum by (result) (rate(signaling_redis_round_trips_total{${sel("signaling")}}[$__rate_interval]))`,
        "{{result}}",
      ]),
      ts("Redis latency p99", "s", [
        `histogram_quantile(0.99, sum by (le, op) (rate(signaling_redis_latency_seconds_bucket{${sel("signaling")}}[$__rate_interval])))`,
        "{{op}}",
      ]),
      ts("Cross-instance bus messages/s", "reqps", [
        `sum by (direction) (rate(signaling_bus_messages_total{${sel("signaling")}}[$__rate_interval]))`,
        "{{direction}}",
      ]),
      // Peer connection analytics: outcomes the clients report (`report` messages), no peer or room labels.
      stat(
        "Peer connection success rate",
        "percentunit",
        `sum(increase(signaling_peer_connections_total{${sel("signaling")}, outcome="connected"}[$__range])) / sum(increase(signaling_peer_connections_total{${sel("signaling")}}[$__range]))`,
      ),
      stat(
        "Connections through TURN",
        "percentunit",
        `sum(increase(signaling_peer_connections_total{${sel("signaling")}, outcome="connected", method="relay"}[$__range])) / sum(increase(signaling_peer_connections_total{${sel("signaling")}, outcome="connected"}[$__range]))`,
      ),
      ts(
        "Peer connection success rate",
        "percentunit",
        [
          `sum(rate(signaling_peer_connections_total{${sel("signaling")}, outcome="connected"}[$__rate_interval])) / sum(rate(signaling_peer_connections_total{${sel("signaling")}}[$__rate_interval]))`,
          "success rate",
        ],
        [
          `sum(rate(signaling_peer_connections_total{${sel("signaling")}, outcome="connected", restart="true"}[$__rate_interval])) / sum(rate(signaling_peer_connections_total{${sel("signaling")}, restart="true"}[$__rate_interval]))`,
          "after ICE restart",
        ],
      ),
      ts("Peer connections/s by method", "reqps", [
        `sum by (outcome, method) (rate(signaling_peer_connections_total{${sel("signaling")}}[$__rate_interval]))`,
        "{{outcome}} {{method}}",
      ]),
      ts("Share of connections through TURN", "percentunit", [
        `sum(rate(signaling_peer_connections_total{${sel("signaling")}, outcome="connected", method="relay"}[$__rate_interval])) / sum(rate(signaling_peer_connections_total{${sel("signaling")}, outcome="connected"}[$__rate_interval]))`,
        "relay",
      ]),
      ts(
        "Peer connection setup time",
        "s",
        [
          `histogram_quantile(0.5, sum by (le) (rate(signaling_peer_connection_setup_seconds_bucket{${sel("signaling")}}[$__rate_interval])))`,
          "p50",
        ],
        [
          `histogram_quantile(0.9, sum by (le) (rate(signaling_peer_connection_setup_seconds_bucket{${sel("signaling")}}[$__rate_interval])))`,
          "p90",
        ],
        [
          `histogram_quantile(0.99, sum by (le) (rate(signaling_peer_connection_setup_seconds_bucket{${sel("signaling")}}[$__rate_interval])))`,
          "p99",
        ],
      ),
      ts("Peer connection setup time p90 by method", "s", [
        `histogram_quantile(0.9, sum by (le, method) (rate(signaling_peer_connection_setup_seconds_bucket{${sel("signaling")}}[$__rate_interval])))`,
        "{{method}}",
      ]),
      ...processPanels("signaling"),
    ],
  },
  tracker: {
    title: "Switchboard — tracker",
    description: "BitTorrent tracker: swarms, announces and scrapes by transport, refusals, WebRTC relays.",
    job: "tracker",
    panels: [
      stat("Torrents", "none", `max(tracker_torrents{${sel("tracker")}})`),
      stat("Seeders", "none", `max(tracker_seeders{${sel("tracker")}})`),
      stat("Leechers", "none", `max(tracker_leechers{${sel("tracker")}})`),
      ts("Announces/s by transport", "reqps", [
        `sum by (transport) (rate(tracker_announces_total{${sel("tracker")}}[$__rate_interval]))`,
        "{{transport}}",
      ]),
      ts("Scrapes/s by transport", "reqps", [
        `sum by (transport) (rate(tracker_scrapes_total{${sel("tracker")}}[$__rate_interval]))`,
        "{{transport}}",
      ]),
      ts("Refusals/s by code", "reqps", [
        `sum by (code) (rate(tracker_refusals_total{${sel("tracker")}}[$__rate_interval]))`,
        "{{code}}",
      ]),
      ts("Malformed requests/s", "reqps", [
        `sum by (transport) (rate(tracker_malformed_total{${sel("tracker")}}[$__rate_interval]))`,
        "{{transport}}",
      ]),
      ts("Peers expired/s", "reqps", [
        `sum(rate(tracker_peers_expired_total{${sel("tracker")}}[$__rate_interval]))`,
        "expired",
      ]),
      ts("WebRTC offers/answers relayed/s", "reqps", [
        `sum by (kind) (rate(tracker_webrtc_relayed_total{${sel("tracker")}}[$__rate_interval]))`,
        "{{kind}}",
      ]),
      ...processPanels("tracker"),
    ],
  },
};

function panelJson(p, id, x, y, w, h) {
  const base = {
    id,
    type: p.kind,
    title: p.title,
    datasource: DS,
    gridPos: { x, y, w, h },
    targets: p.queries.map(([expr, legendFormat], i) => ({
      datasource: DS,
      refId: String.fromCharCode(65 + i),
      expr,
      legendFormat,
      range: true,
    })),
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
  };
  if (p.kind === "stat") {
    return {
      ...base,
      options: { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value" },
    };
  }
  return {
    ...base,
    options: {
      legend: { displayMode: "list", placement: "bottom", showLegend: true },
      tooltip: { mode: "multi" },
    },
  };
}

function dashboardJson(uid, d) {
  let x = 0;
  let y = 0;
  const panels = d.panels.map((p, i) => {
    const w = p.kind === "stat" ? 6 : 12;
    const h = p.kind === "stat" ? 4 : 8;
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const json = panelJson(p, i + 1, x, y, w, h);
    x += w;
    return json;
  });
  const templating = d.job
    ? [
        {
          name: "instance",
          label: "Instance",
          type: "query",
          datasource: DS,
          query: `label_values(up{job="${d.job}"}, instance)`,
          refresh: 2,
          includeAll: true,
          multi: true,
          allValue: ".*",
          current: { text: "All", value: "$__all" },
        },
      ]
    : [];
  return {
    uid: `switchboard-${uid}`,
    title: d.title,
    description: d.description,
    tags: ["switchboard"],
    timezone: "browser",
    editable: true,
    graphTooltip: 1,
    refresh: "30s",
    schemaVersion: 39,
    time: { from: "now-1h", to: "now" },
    templating: { list: templating },
    annotations: { list: [] },
    links: [
      {
        title: "Switchboard",
        type: "dashboards",
        tags: ["switchboard"],
        asDropdown: true,
        icon: "external link",
        includeVars: false,
        keepTime: true,
        targetBlank: false,
        tooltip: "",
        url: "",
      },
    ],
    panels,
  };
}

const check = process.argv.includes("--check");
let stale = 0;
for (const [uid, d] of Object.entries(dashboards)) {
  const file = new URL(`${uid}.json`, dir);
  const options = (await resolveConfig(file)) ?? {};
  const text = await format(JSON.stringify(dashboardJson(uid, d)), { ...options, parser: "json" });
  if (check) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {
      /* missing */
    }
    if (current !== text) {
      console.error(`grafana/dashboards/${uid}.json is not what grafana/generate.mjs makes`);
      stale++;
    }
  } else writeFileSync(file, text);
}
process.exit(stale === 0 ? 0 : 1);
