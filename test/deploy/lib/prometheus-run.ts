// A real Prometheus on the project's scrape config with the targets adjusted: each job's Docker DNS discovery is
// replaced by the local addresses of that service's instances; everything else (jobs, paths, rule files) is the
// project's file. The scrape interval is shortened so a test sees results in seconds. Prometheus itself is the
// official image through testcontainers or the local binary, as @switchboard/test-support's deployBacking() decides.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { deployBacking } from "@switchboard/test-support";
import { prometheusPlan } from "./container-plan.js";
import { repoRoot } from "./paths.js";
import { prometheusArgs } from "./prometheus-args.js";
import { startProc, waitForHttp, type Running } from "./processes.js";

interface ScrapeConfig {
  job_name: string;
  dns_sd_configs?: unknown;
  static_configs?: { targets: string[] }[];
  [key: string]: unknown;
}

/** The project's prometheus.yml with `targets[job]` in place of its DNS discovery. */
export function adjustedConfig(
  targets: Readonly<Record<string, readonly string[]>>,
  selfAddress: string,
): string {
  const doc = parse(readFileSync(join(repoRoot, "deploy/prometheus/prometheus.yml"), "utf8")) as {
    global: Record<string, unknown>;
    scrape_configs: ScrapeConfig[];
  };
  doc.global.scrape_interval = "1s";
  doc.global.scrape_timeout = "1s";
  doc.global.evaluation_interval = "1s";
  for (const sc of doc.scrape_configs) {
    if (sc.job_name === "prometheus") {
      sc.static_configs = [{ targets: [selfAddress] }];
      continue;
    }
    const list = targets[sc.job_name];
    if (!list) throw new Error(`no local targets for job ${sc.job_name}`);
    delete sc.dns_sd_configs;
    sc.static_configs = [{ targets: [...list] }];
  }
  return stringify(doc);
}

export async function startPrometheus(opts: {
  dir: string;
  port: number;
  targets: Readonly<Record<string, readonly string[]>>;
}): Promise<{ proc: Running; url: string }> {
  mkdirSync(join(opts.dir, "data"), { recursive: true });
  const address = `127.0.0.1:${opts.port}`;
  writeFileSync(join(opts.dir, "prometheus.yml"), adjustedConfig(opts.targets, address));
  copyFileSync(join(repoRoot, "deploy/prometheus/alerts.yml"), join(opts.dir, "alerts.yml"));
  const proc =
    (await deployBacking()) === "container"
      ? await (await import("./containers.js")).startContainer(prometheusPlan(opts.dir, address))
      : startProc("prometheus", "prometheus", prometheusArgs(opts.dir, address));
  const url = `http://${address}`;
  await waitForHttp(`${url}/-/ready`, { proc, timeoutMs: 30_000 });
  return { proc, url };
}

export interface TargetState {
  job: string;
  instance: string;
  health: string;
}

export async function activeTargets(url: string): Promise<TargetState[]> {
  const res = await fetch(`${url}/api/v1/targets?state=active`);
  const body = (await res.json()) as {
    data: { activeTargets: { labels: { job: string; instance: string }; health: string }[] };
  };
  return body.data.activeTargets.map((t) => ({
    job: t.labels.job,
    instance: t.labels.instance,
    health: t.health,
  }));
}

export async function query(
  url: string,
  promql: string,
): Promise<{ metric: Record<string, string>; value: number }[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== "success") throw new Error(`query failed: ${promql}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}
