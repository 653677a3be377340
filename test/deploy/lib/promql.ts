// The PromQL of the project's dashboards and alert rules, and the metric names it reads.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { repoRoot } from "./paths.js";

export interface Expr {
  readonly where: string;
  readonly expr: string;
}

export function dashboardFiles(): { name: string; path: string }[] {
  const dir = join(repoRoot, "grafana", "dashboards");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ""), path: join(dir, f) }));
}

interface PanelJson {
  title?: string;
  targets?: { expr?: string }[];
  panels?: PanelJson[];
}

/** Every panel query of every dashboard, Grafana's variables replaced by what they expand to. */
export function dashboardExprs(): Expr[] {
  const out: Expr[] = [];
  for (const f of dashboardFiles()) {
    const doc = JSON.parse(readFileSync(f.path, "utf8")) as { panels?: PanelJson[] };
    const walk = (panels: PanelJson[] | undefined): void => {
      for (const p of panels ?? []) {
        for (const t of p.targets ?? []) {
          if (t.expr) out.push({ where: `${f.name}: ${p.title ?? "?"}`, expr: expandGrafanaVars(t.expr) });
        }
        walk(p.panels);
      }
    };
    walk(doc.panels);
  }
  return out;
}

export function expandGrafanaVars(expr: string): string {
  return expr
    .replaceAll("$__rate_interval", "5m")
    .replaceAll("$__interval", "1m")
    .replaceAll("$__range", "1h")
    .replaceAll("$instance", ".*");
}

/** Every alert and recording rule expression of deploy/prometheus/alerts.yml. */
export function alertExprs(): Expr[] {
  const doc = parse(readFileSync(join(repoRoot, "deploy/prometheus/alerts.yml"), "utf8")) as {
    groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  return doc.groups.flatMap((g) =>
    g.rules.map((r) => ({ where: `alerts ${g.name}/${r.alert ?? r.record ?? "?"}`, expr: r.expr })),
  );
}

const FUNCTIONS_AND_KEYWORDS = new Set([
  "sum",
  "min",
  "max",
  "avg",
  "count",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "rate",
  "irate",
  "increase",
  "delta",
  "changes",
  "resets",
  "absent",
  "clamp_min",
  "clamp_max",
  "histogram_quantile",
  "topk",
  "bottomk",
  "label_values",
  "offset",
  "bool",
  "le",
  "time",
  "vector",
  "scalar",
]);

/**
 * Metric names an expression reads: identifiers not inside quotes, braces or brackets that are not PromQL
 * functions/keywords or label names of a `by (…)` list. Histogram series (`_bucket`, `_sum`, `_count`) are kept as
 * written; compare them with the exposition's series names.
 */
export function metricNames(expr: string): Set<string> {
  const names = new Set<string>();
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "{}")
    .replace(/\[[^\]]*\]/g, "[]")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const id = m[0];
    const next = stripped.slice((m.index ?? 0) + id.length).trimStart();
    if (FUNCTIONS_AND_KEYWORDS.has(id) || (next.startsWith("(") && !next.startsWith("()"))) continue;
    if (/^\d/.test(id) || /^(e|inf|nan)$/i.test(id)) continue;
    names.add(id);
  }
  return names;
}

/** Prometheus' own series that no service exports (scrape health, alert states). */
export const PROMETHEUS_SERIES = new Set(["up", "ALERTS"]);

/** The expressions as recording rules, so `promtool check rules` parses every one of them. */
export function asRulesFile(exprs: readonly Expr[]): string {
  return stringify({
    groups: [
      {
        name: "dashboard-queries",
        rules: exprs.map((e, i) => ({ record: `switchboard:dashboard_query_${i}`, expr: e.expr })),
      },
    ],
  });
}

/**
 * Series names of a Prometheus text exposition: the samples present, and every metric the exposition declares
 * (`# TYPE`), which a labelled metric without observations yet still does (histograms: `_bucket`, `_sum`,
 * `_count`).
 */
export function exportedSeries(exposition: string): Set<string> {
  const out = new Set<string>();
  for (const line of exposition.split("\n")) {
    const type = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)/.exec(line);
    if (type?.[1]) {
      const name = type[1];
      const suffixes =
        type[2] === "histogram"
          ? ["_bucket", "_sum", "_count"]
          : type[2] === "summary"
            ? ["", "_sum", "_count"]
            : [""];
      for (const s of suffixes) out.add(name + s);
      continue;
    }
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}
