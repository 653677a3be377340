// Every metric that a dashboard or an alert rule reads must be exported by a running service: each service is
// started on free ports, its /metrics scraped live, and the names compared with those in the PromQL.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { alertExprs, dashboardExprs, exportedSeries, metricNames, PROMETHEUS_SERIES } from "./lib/promql.js";
import { stopProc } from "./lib/processes.js";
import { SERVICE_NAMES, startService, type RunningService } from "./lib/services.js";

describe("metric names in dashboards and alerts", () => {
  const running: RunningService[] = [];
  const exported = new Map<string, Set<string>>();

  beforeAll(async () => {
    const started = await Promise.allSettled(SERVICE_NAMES.map((s) => startService(s)));
    for (const r of started) if (r.status === "fulfilled") running.push(r.value);
    const failed = started.filter((r) => r.status === "rejected");
    if (failed.length > 0) throw failed[0].reason;
    for (const s of running) {
      const res = await fetch(`${s.admin}/metrics`);
      assert.equal(res.status, 200);
      exported.set(s.name, exportedSeries(await res.text()));
    }
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => stopProc(s.proc)));
  });

  it("the extraction finds metric names and ignores functions, labels and strings", () => {
    const names = metricNames(
      'histogram_quantile(0.99, sum by (le, path) (rate(a_b_bucket{job="x", instance=~"y"}[5m]))) / clamp_min(sum(c_total), 1e-9) > 0.5 or absent(up{job="z"})',
    );
    assert.deepEqual([...names].sort(), ["a_b_bucket", "c_total", "up"]);
    const series = exportedSeries(
      '# HELP a_b x\n# TYPE a_b histogram\n# TYPE c_total counter\nc_total 3\nd_gauge{x="1"} 2\n',
    );
    assert.deepEqual([...series].sort(), ["a_b_bucket", "a_b_count", "a_b_sum", "c_total", "d_gauge"]);
  });

  for (const name of SERVICE_NAMES) {
    const prefix = `${name}_`;
    it(`${name}: every ${prefix}* metric read by dashboards and alerts is exported`, () => {
      const series = exported.get(name);
      assert.ok(series, `${name} was scraped`);
      const used = new Map<string, string>();
      for (const e of [...dashboardExprs(), ...alertExprs()]) {
        for (const m of metricNames(e.expr)) if (m.startsWith(prefix)) used.set(m, e.where);
      }
      assert.ok(used.size > 0, `dashboards read ${name}'s metrics`);
      const unknown = [...used].filter(([m]) => !series.has(m)).map(([m, where]) => `${m} (${where})`);
      assert.deepEqual(unknown, [], `not exported by ${name}`);
    });
  }

  it("process and Node.js metrics read by dashboards are exported by every running service", () => {
    const used = new Set<string>();
    for (const e of [...dashboardExprs(), ...alertExprs()]) {
      for (const m of metricNames(e.expr)) {
        if (!SERVICE_NAMES.some((s) => m.startsWith(`${s}_`)) && !PROMETHEUS_SERIES.has(m)) used.add(m);
      }
    }
    assert.ok(used.size > 0);
    assert.ok(running.length > 0, "at least one service runs");
    for (const s of running) {
      const series = exported.get(s.name) ?? new Set();
      const unknown = [...used].filter((m) => !series.has(m));
      assert.deepEqual(unknown, [], `not exported by ${s.name}`);
    }
  });
});
