// promtool on the real Prometheus files, every dashboard query parsed by promtool too (as recording rules), and
// the scrape config covering every service and instance.
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { alertExprs, asRulesFile, dashboardExprs } from "./lib/promql.js";
import { repoRoot } from "./lib/paths.js";

const dir = mkdtempSync(join(tmpdir(), "sb-promtool-"));
const promtool = (...args: string[]) => spawnSync("promtool", args, { encoding: "utf8" });

describe("prometheus files", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("promtool check config (with its rule files)", () => {
    const r = promtool("check", "config", join(repoRoot, "deploy/prometheus/prometheus.yml"));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 rule files found/);
  });

  it("promtool check rules: alert rules, and every dashboard query", () => {
    const r = promtool("check", "rules", join(repoRoot, "deploy/prometheus/alerts.yml"));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const exprs = dashboardExprs();
    assert.ok(exprs.length > 40, `dashboards have queries (${exprs.length})`);
    const file = join(dir, "dashboards.rules.yml");
    writeFileSync(file, asRulesFile(exprs));
    const d = promtool("check", "rules", file);
    assert.equal(d.status, 0, d.stdout + d.stderr);
    assert.match(d.stdout, new RegExp(`SUCCESS: ${exprs.length} rules found`));
    writeFileSync(file, asRulesFile([{ where: "broken", expr: "sum(rate(x[5m]) by" }]));
    assert.notEqual(promtool("check", "rules", file).status, 0, "promtool rejects a broken query");
  });

  it("promtool test rules: alerts fire on synthetic series (instance down, Redis, TURN capacity, latency)", () => {
    const r = promtool("test", "rules", join(repoRoot, "deploy/prometheus/alerts.test.yml"));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });

  it("alerts cover service down, error rates, TURN capacity, Redis, relay latency", () => {
    const names = alertExprs().map((e) => e.where);
    for (const want of [
      /ServiceInstanceDown/,
      /ErrorRate/,
      /TurnCapacityExhausted/,
      /TurnNearAllocationLimit/,
      /RedisUnreachable/,
      /SignalingRelayLatencyHigh/,
    ]) {
      assert.ok(
        names.some((n) => want.test(n)),
        `${want.source} in ${names.join(", ")}`,
      );
    }
  });

  it("scrapes every instance of every service on its metrics port", () => {
    const config = parse(readFileSync(join(repoRoot, "deploy/prometheus/prometheus.yml"), "utf8")) as {
      scrape_configs: {
        job_name: string;
        dns_sd_configs?: { names: string[]; type: string; port: number }[];
      }[];
    };
    const want: Record<string, number> = { signaling: 8080, tracker: 8000, stun: 9478, turn: 9479 };
    for (const [job, port] of Object.entries(want)) {
      const sc = config.scrape_configs.find((s) => s.job_name === job);
      assert.ok(sc, job);
      // DNS service discovery: one target per replica that Docker's DNS returns for the service name.
      assert.deepEqual(sc.dns_sd_configs, [{ names: [job], type: "A", port, refresh_interval: "15s" }]);
    }
  });
});
