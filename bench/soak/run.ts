// Soak: each service under paced, mixed valid and invalid traffic for a while; RSS and open descriptors of its
// process tree sampled every second, their slope after warm-up reported, and its warn/error logs counted.
//   node --conditions=source --import tsx bench/soak/run.ts                 10 minutes a service, the tracker 20
//   options: --seconds S (per service; default 600, the tracker 1200) --warmup S (default a fifth of 600 s; the
//            tracker's 600 s: V8 takes about ten minutes to size its heap under the tracker's traffic, see
//            docs/BENCHMARKS.md "Tracker soak after a ten-minute warm-up") --only tracker,stun
//            --out FILE (JSON results; default bench/results/soak-<time>.json)
// Needs the services built (npx turbo run build). Loopback only.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, freeUdpPort } from "@switchboard/test-support";
import { sampleTree, slope, type Sample } from "./sampler.js";
import { ROOT, startService, waitHealthy } from "./service.js";
import { signalingTraffic, stunTraffic, trackerTraffic, turnTraffic, type Traffic } from "./traffic.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string" },
    warmup: { type: "string" },
    only: { type: "string", default: "tracker,signaling,stun,turn" },
    out: { type: "string" },
  },
});
/** Run and warm-up length for one service: the flags when given, else its default. */
function durations(name: string): { seconds: number; warmup: number } {
  const fallback = name === "tracker" ? { seconds: 1200, warmup: 600 } : { seconds: 600, warmup: 120 };
  const seconds = values.seconds === undefined ? fallback.seconds : Number(values.seconds);
  const warmup =
    values.warmup !== undefined
      ? Number(values.warmup)
      : values.seconds === undefined
        ? fallback.warmup
        : seconds / 5;
  return { seconds, warmup };
}

interface Setup {
  env: Record<string, string>;
  health: string;
  stats: string;
  traffic: () => Traffic;
}

async function setup(name: string): Promise<Setup> {
  const H = "127.0.0.1";
  if (name === "tracker") {
    const port = await freePort();
    const udpPort = await freeUdpPort();
    return {
      env: {
        TRACKER_HOST: H,
        TRACKER_PORT: String(port),
        TRACKER_UDP_PORT: String(udpPort),
        TRACKER_RATE_LIMIT: "0",
      },
      health: `http://${H}:${port}/health`,
      stats: `http://${H}:${port}/stats`,
      traffic: () => trackerTraffic({ httpPort: port, udpPort }),
    };
  }
  if (name === "signaling") {
    const port = await freePort();
    return {
      env: {
        SIGNALING_HOST: H,
        SIGNALING_PORT: String(port),
        SIGNALING_AUTO_CREATE_ROOMS: "true",
        SIGNALING_MEETING_CREATE_LIMIT: "1000000",
        SIGNALING_RATE_LIMIT: "1000",
        SIGNALING_RATE_BURST: "1000",
      },
      health: `http://${H}:${port}/health`,
      stats: `http://${H}:${port}/stats`,
      traffic: () => signalingTraffic({ port }),
    };
  }
  if (name === "stun") {
    const port = await freeUdpPort();
    const admin = await freePort();
    return {
      env: {
        STUN_HOST: H,
        STUN_PORT: String(port),
        STUN_TCP: "false",
        STUN_ADMIN_HOST: H,
        STUN_ADMIN_PORT: String(admin),
        STUN_WORKERS: "1",
      },
      health: `http://${H}:${admin}/health`,
      stats: `http://${H}:${admin}/stats`,
      traffic: () => stunTraffic({ port }),
    };
  }
  if (name === "turn") {
    const port = await freePort();
    const admin = await freePort();
    return {
      env: {
        TURN_HOST: H,
        TURN_PORT: String(port),
        TURN_RELAY_HOST: H,
        TURN_USERS: "soak:soak-password",
        TURN_ADMIN_HOST: H,
        TURN_ADMIN_PORT: String(admin),
        TURN_MIN_PORT: "40000",
        TURN_MAX_PORT: "40999",
      },
      health: `http://${H}:${admin}/health`,
      stats: `http://${H}:${admin}/stats`,
      traffic: () => turnTraffic({ port, username: "soak", password: "soak-password" }),
    };
  }
  throw new Error(`unknown service ${name}`);
}

interface Result {
  service: string;
  seconds: number;
  warmupSeconds: number;
  traffic: { valid: number; invalid: number; unexpected: number };
  rssMiB: { afterWarmup: number; end: number; max: number };
  /** KiB of RSS per minute after warm-up (least squares over every sample). */
  rssSlopeKiBPerMin: number;
  /**
   * The same over the lowest sample of each 30 s window: the floor the garbage collector comes back to, which
   * a leak raises and the GC's sawtooth does not.
   */
  rssFloorSlopeKiBPerMin: number;
  fds: { afterWarmup: number; end: number; max: number };
  fdSlopePerMin: number;
  logs: Record<string, number>;
  logMessages: Record<string, Record<string, number>>;
  stats: Record<string, unknown>;
  samples: Sample[];
}

/** The lowest-RSS sample of each `windowS` window. */
function floors(samples: readonly Sample[], windowS: number): Sample[] {
  const byWindow = new Map<number, Sample>();
  for (const x of samples) {
    const w = Math.floor(x.t / windowS);
    const cur = byWindow.get(w);
    if (!cur || x.rssBytes < cur.rssBytes) byWindow.set(w, x);
  }
  return [...byWindow.values()];
}

async function soak(name: string): Promise<Result> {
  const { seconds, warmup } = durations(name);
  const s = await setup(name);
  const svc = startService(name, s.env);
  try {
    await waitHealthy(s.health);
    const pid = svc.proc.pid ?? 0;
    const traffic = s.traffic();
    const samples: Sample[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < seconds * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push(sampleTree(pid, (Date.now() - t0) / 1000));
    }
    await traffic.stop();
    const stats = (await (await fetch(s.stats)).json()) as Record<string, unknown>;
    const steady = samples.filter((x) => x.t >= warmup);
    const first = steady[0] ?? samples[0];
    const last = samples[samples.length - 1];
    const mib = (b: number) => Math.round((b / 1048576) * 10) / 10;
    const logs: Record<string, number> = {};
    const logMessages: Record<string, Record<string, number>> = {};
    for (const [level, byMsg] of svc.logs) {
      logs[level] = [...byMsg.values()].reduce((a, b) => a + b, 0);
      logMessages[level] = Object.fromEntries(byMsg);
    }
    return {
      service: name,
      seconds,
      warmupSeconds: warmup,
      traffic: { ...traffic.counts },
      rssMiB: {
        afterWarmup: mib(first?.rssBytes ?? 0),
        end: mib(last?.rssBytes ?? 0),
        max: mib(Math.max(...samples.map((x) => x.rssBytes))),
      },
      rssSlopeKiBPerMin: Math.round((slope(steady.map((x) => [x.t / 60, x.rssBytes / 1024])) ?? 0) * 10) / 10,
      rssFloorSlopeKiBPerMin:
        Math.round(slope(floors(steady, 30).map((x) => [x.t / 60, x.rssBytes / 1024])) * 10) / 10,
      fds: {
        afterWarmup: first?.fds ?? 0,
        end: last?.fds ?? 0,
        max: Math.max(...samples.map((x) => x.fds)),
      },
      fdSlopePerMin: Math.round(slope(steady.map((x) => [x.t / 60, x.fds])) * 100) / 100,
      logs,
      logMessages,
      stats,
      samples,
    };
  } finally {
    await svc.stop();
  }
}

const results: Result[] = [];
for (const name of (values.only ?? "").split(",").filter((x) => x !== "")) {
  const { seconds, warmup } = durations(name);
  console.error(`soak: ${name} for ${seconds} s (warm-up ${warmup} s)`);
  const r = await soak(name);
  results.push(r);
  console.error(JSON.stringify({ ...r, stats: undefined, samples: undefined }));
}
const out =
  values.out ?? join(ROOT, "bench/results", `soak-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2));
console.log(
  "| service | valid / invalid requests | unexpected | RSS after warm-up → end (MiB) | RSS slope, all / floor (KiB/min) | fds after warm-up → end (max) | fd slope (/min) | warn / error logs |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) {
  console.log(
    `| ${r.service} | ${r.traffic.valid} / ${r.traffic.invalid} | ${r.traffic.unexpected} | ${r.rssMiB.afterWarmup} → ${r.rssMiB.end} | ${r.rssSlopeKiBPerMin} / ${r.rssFloorSlopeKiBPerMin} | ${r.fds.afterWarmup} → ${r.fds.end} (${r.fds.max}) | ${r.fdSlopePerMin} | ${r.logs.warn ?? 0} / ${(r.logs.error ?? 0) + (r.logs.fatal ?? 0)} |`,
  );
}
console.log(`results: ${out}`);
