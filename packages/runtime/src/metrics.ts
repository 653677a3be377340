import { Registry, collectDefaultMetrics } from "prom-client";

export { Counter, Gauge, Histogram, Registry } from "prom-client";

/** One registry per service, with Node's process metrics (CPU, memory, event loop lag). */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

const DEFAULT_METRIC = /^(process_|nodejs_)/;

/**
 * The service's own metrics as plain JSON for `/stats`: a metric without labels becomes a number,
 * a labelled one an object keyed by `label=value,…`; histograms give `count` and `sum`.
 */
export async function metricsToStats(registry: Registry): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    if (DEFAULT_METRIC.test(metric.name)) continue;
    const values = metric.values as ReadonlyArray<{
      value: number;
      labels: Record<string, string | number>;
      metricName?: string;
    }>;
    const type = String(metric.type);
    if (type === "histogram" || type === "summary") {
      const pick = (suffix: string): number =>
        values.filter((v) => v.metricName === `${metric.name}${suffix}`).reduce((sum, v) => sum + v.value, 0);
      out[metric.name] = { count: pick("_count"), sum: pick("_sum") };
      continue;
    }
    const unlabelled = values.length === 1 && Object.keys(values[0]?.labels ?? {}).length === 0;
    if (unlabelled || values.length === 0) {
      out[metric.name] = values[0]?.value ?? 0;
      continue;
    }
    const byLabels: Record<string, number> = {};
    for (const v of values) {
      const key = Object.entries(v.labels)
        .map(([k, l]) => `${k}=${l}`)
        .join(",");
      byLabels[key] = v.value;
    }
    out[metric.name] = byLabels;
  }
  return out;
}
