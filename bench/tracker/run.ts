/**
 * Tracker benchmark: our tracker, opentracker and bittorrent-tracker side by side, each in its own process on
 * loopback, driven over HTTP (many keep-alive connections) and UDP (many announces in flight) through a
 * population of 1,000 torrents × 1,000 peers. Prints announces/s, p50/p99 latency (under saturation), the
 * server's CPU use and its resident memory per peer held, two ways, every reading taken after idling until RSS is
 * steady (`settledRssBytes`), for every target alike: from warm — RSS growth from a baseline read after a warm-up
 * (every measured phase for `--warm-seconds` on the first `--warm-peers` pairs) ÷ peers added since (the load's
 * own working set is in the baseline); from cold — RSS growth since before any traffic ÷ peers held (it includes
 * the load's working set, less start-up memory the load lets go: compiled start-up code, freed allocations).
 *
 * Our trackers' readings are taken at forced full GCs (`--memory-gc`, default `ours`): they run with the inspector
 * on a loopback port (`--inspect=127.0.0.1:0`, its URL read from their stderr) and before each of the three memory
 * readings get full garbage collections over it (`HeapProfiler.collectGarbage` twice, a turn apart;
 * `inspector-gc.ts`), so every reading finds V8's heap in the same known state instead of wherever its last
 * collection left it (idle-only readings swung by ±10 B/peer run to run). No inspector session is open while load
 * runs. `--memory-gc none` reads them idle only, as before; opentracker (C, no GC) is always read idle.
 *
 *   bash bench/tracker/install-peers.sh
 *   node --conditions=source --import tsx bench/tracker/run.ts [--seconds 8] [--rounds 2] [--fill-seconds 25] [--threads 1]
 *     [--targets switchboard,opentracker,bittorrent-tracker]
 *
 * Each figure is the median over the rounds (the machine is shared); announces per server CPU-second is the
 * figure least disturbed by other load. Missing prerequisites (opentracker, bittorrent-tracker) are named with how
 * to get them before anything starts; `--skip-missing` runs without those targets. `--before <git-rev>` adds our
 * tracker as of that revision (target `switchboard-before`) for ratios against the before-state in the same run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import type { LoadResult } from "./load-http.js";
import type { LoadJob, LoadReply } from "./load-worker.js";
import { runUdpLoad } from "./load-udp.js";
import { cpuSeconds, Latencies, rssAnonBytes, rssBytes, settledRssBytes } from "./measure.js";
import { PEERS, TORRENTS } from "./population.js";
import { residentSplit, type ResidentSplit } from "./smaps.js";
import { describeMissing, missingPrerequisites } from "./prerequisites.js";
import {
  startBittorrentTracker,
  startOpentracker,
  startSwitchboard,
  startSwitchboardAt,
  type RunningTarget,
  type StartOptions,
} from "./targets.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "2" },
    "fill-seconds": { type: "string", default: "25" },
    /** Seconds of each measured phase run once before the baseline memory reading, on the first peers only. */
    "warm-seconds": { type: "string", default: "4" },
    /** Population pairs the warm-up walks (again and again): the peers held at the baseline reading. */
    "warm-peers": { type: "string", default: "50000" },
    targets: { type: "string", default: "switchboard,opentracker,bittorrent-tracker" },
    "skip-missing": { type: "boolean", default: false },
    /** Measured phases (`udp` alone for profiling the UDP path). */
    phases: { type: "string", default: "http,udp" },
    /** Also runs our tracker as of this git revision (e.g. `main`), for ratios against the before-state. */
    before: { type: "string" },
    connections: { type: "string", default: "64" },
    threads: { type: "string", default: "1" },
    "udp-sockets": { type: "string", default: "8" },
    "udp-window": { type: "string", default: "32" },
    /** Our targets whose memory is read at forced full GCs over the inspector: `ours`, `none` or a list. */
    "memory-gc": { type: "string", default: "ours" },
  },
});
const seconds = Math.min(50, Number(values.seconds));
const rounds = Math.max(1, Number(values.rounds));
const starters: Record<string, (options: StartOptions) => Promise<RunningTarget>> = {
  switchboard: startSwitchboard,
  opentracker: () => startOpentracker(),
  "bittorrent-tracker": () => startBittorrentTracker(),
};
const before = values.before;
if (before !== undefined) starters["switchboard-before"] = (options) => startSwitchboardAt(before, options);
const OURS = ["switchboard", "switchboard-before"];
const gcTargets = ((spec: string): string[] => {
  if (spec === "ours") return OURS;
  if (spec === "none" || spec === "") return [];
  const list = spec.split(",").filter((t) => t !== "");
  for (const name of list)
    if (!OURS.includes(name))
      throw new Error(`--memory-gc takes ours, none or a list of ${OURS.join(", ")}; not ${name}`);
  return list;
})(String(values["memory-gc"]));
let targets = String(values.targets).split(",");
if (before !== undefined && !targets.includes("switchboard-before"))
  targets.splice(1, 0, "switchboard-before");
for (const name of targets) if (!starters[name]) throw new Error(`unknown target ${name}`);
const missing = missingPrerequisites(targets);
if (missing.length > 0) {
  console.error(describeMissing(missing));
  if (!values["skip-missing"]) process.exit(2);
  targets = targets.filter((t) => !missing.some((m) => m.target === t));
  console.error(`going on without: ${missing.map((m) => m.target).join(", ")}`);
}

interface PhaseFigures {
  announcesPerSecond: number;
  /** Announces per second of server CPU: throughput independent of what else the machine runs. */
  announcesPerCpuSecond: number;
  errors: number;
  p50ms: number;
  p99ms: number;
  serverCpuPercent: number;
}

interface TargetFigures {
  target: string;
  http: PhaseFigures;
  udp: PhaseFigures;
  peersHeld: number;
  /** Peers held at the baseline reading (the warm-up's). */
  peersAtBaseline: number;
  /** Memory read at forced full GCs (`--memory-gc`). */
  forcedGc: boolean;
  /** RSS at the cold baseline (idle, before any traffic): the process's fixed cost. */
  coldRssBytes: number;
  rssGrowthBytes: number;
  /** Anonymous RSS growth (RSS less file pages such as the node binary's), per peer: from warm / from cold. */
  anonBytesPerPeer: number;
  anonColdBytesPerPeer: number;
  /** RSS growth by kind of mapping (`smaps.ts`), bytes per peer: from warm and from cold. */
  splitBytesPerPeer: { warm: ResidentSplit; cold: ResidentSplit };
  /** RSS growth from the warm baseline ÷ peers added since (low: peers reuse memory the load freed). */
  rssBytesPerPeer: number;
  /** RSS growth from the cold baseline ÷ peers held (high: includes the load's own working set). */
  coldRssBytesPerPeer: number;
  /** The same two figures less the growth of V8's committed heap (0 for a target without one). */
  outsideHeapBytesPerPeer: number;
  outsideHeapColdBytesPerPeer: number;
  /** RSS added per peer added between the end of the fill and the end of the run (fixed costs cancel out). */
  marginalRssBytesPerPeer: number | undefined;
  extra?: Record<string, unknown>;
}

interface Running {
  target: RunningTarget;
  /** The memory readings at the cold and warm baselines. */
  cold: MemoryReading;
  warm: MemoryReading;
  /** Peers held at the baseline reading (the warm-up's). */
  peers0: number;
  /** RSS and peers held after the fill. */
  afterFill?: { rss: number; peers: number };
  k: number;
  rounds: { http: PhaseFigures[]; udp: PhaseFigures[] };
}

async function phase(t: RunningTarget, run: (l: Latencies) => Promise<LoadResult>): Promise<PhaseFigures> {
  const latencies = new Latencies();
  const cpu0 = cpuSeconds(t.pid);
  const r = await run(latencies);
  const cpu = cpuSeconds(t.pid) - cpu0;
  return {
    announcesPerSecond: Math.round(r.requests / r.seconds),
    announcesPerCpuSecond: Math.round(r.requests / Math.max(cpu, 0.01)),
    errors: r.errors,
    p50ms: Number(latencies.percentile(50).toFixed(2)),
    p99ms: Number(latencies.percentile(99).toFixed(2)),
    serverCpuPercent: Math.round((cpu / r.seconds) * 100),
  };
}

/** Runs one phase in `--threads` load threads, each with its share of connections (or sockets). */
async function threadedLoad(
  r: Running,
  kind: "http" | "udp",
  latencies: Latencies,
  phaseSeconds = seconds,
  wrap?: number,
): Promise<LoadResult> {
  const threads = Math.max(1, Number(values.threads));
  const width = Number(kind === "http" ? values.connections : values["udp-sockets"]);
  const port = kind === "http" ? r.target.httpPort : r.target.udpPort;
  const base = r.k;
  const replies = await Promise.all(
    Array.from({ length: threads }, (_, index) => {
      const job: LoadJob = {
        kind,
        port,
        width: Math.max(1, Math.round(width / threads)),
        window: Number(values["udp-window"]),
        seconds: phaseSeconds,
        base,
        index,
        stride: threads,
        wrap,
      };
      const worker = new Worker(new URL("./load-worker-boot.mjs", import.meta.url), {
        workerData: job,
        execArgv: ["--conditions=source", "--import", "tsx"],
      });
      return new Promise<LoadReply>((resolve, reject) => {
        worker.once("message", (m: LoadReply) => resolve(m));
        worker.once("error", reject);
      });
    }),
  );
  r.k = base + threads * Math.max(...replies.map((x) => x.steps));
  for (const x of replies) latencies.addAll(x.latencies);
  return {
    requests: replies.reduce((sum, x) => sum + x.requests, 0),
    errors: replies.reduce((sum, x) => sum + x.errors, 0),
    seconds: Math.max(...replies.map((x) => x.seconds)),
  };
}

/**
 * Resident memory of every running target once idle (`settledRssBytes`), after full GCs in the targets read at
 * forced GCs; with each one's anonymous RSS at the end of the wait.
 */
/** One target's memory at a reading: RSS, anonymous RSS, RSS by kind of mapping, V8's committed heap (0 without V8). */
interface MemoryReading {
  rss: number;
  anon: number;
  split: ResidentSplit | undefined;
  v8: number;
}

const NO_READING: MemoryReading = { rss: 0, anon: 0, split: undefined, v8: 0 };

/** Every running target's memory, read at once (after forced GCs where the target has them, RSS settled). */
async function readMemory(): Promise<MemoryReading[]> {
  await Promise.all(running.map((r) => r.target.collectGarbage?.() ?? Promise.resolve()));
  const rss = await settledRssBytes(running.map((r) => r.target.pid));
  const v8 = await v8Heaps();
  return running.map((r, i) => ({
    rss: rss[i] ?? 0,
    anon: rssAnonBytes(r.target.pid),
    split: residentSplit(r.target.pid),
    v8: v8[i] ?? 0,
  }));
}

/** (a − b) ÷ n, field by field, one decimal. */
function splitPerPeer(a: ResidentSplit, b: ResidentSplit | undefined, n: number): ResidentSplit {
  const f = (k: keyof ResidentSplit): number => Number(((a[k] - (b?.[k] ?? 0)) / Math.max(1, n)).toFixed(1));
  return { v8Pages: f("v8Pages"), mallocHeap: f("mallocHeap"), otherAnon: f("otherAnon"), file: f("file") };
}

/** V8's committed heap of every running target (0 for targets without V8). */
async function v8Heaps(): Promise<number[]> {
  return Promise.all(running.map(async (r) => (r.target.v8HeapBytes ? await r.target.v8HeapBytes() : 0)));
}

/** Field-wise median of the rounds' figures. */
function median(list: readonly PhaseFigures[]): PhaseFigures {
  const mid = (pick: (f: PhaseFigures) => number): number => {
    const v = list.map(pick).sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 === 1 ? (v[m] ?? 0) : ((v[m - 1] ?? 0) + (v[m] ?? 0)) / 2;
  };
  return {
    announcesPerSecond: Math.round(mid((f) => f.announcesPerSecond)),
    announcesPerCpuSecond: Math.round(mid((f) => f.announcesPerCpuSecond)),
    errors: mid((f) => f.errors),
    p50ms: mid((f) => f.p50ms),
    p99ms: mid((f) => f.p99ms),
    serverCpuPercent: Math.round(mid((f) => f.serverCpuPercent)),
  };
}

/**
 * All targets run at once (idle ones cost nothing); rounds interleave them, each round starting with the next
 * target, so machine noise and position hit all alike.
 */
const running: Running[] = [];
const results: TargetFigures[] = [];
try {
  for (const name of targets) {
    const start = starters[name];
    if (!start) throw new Error(`unknown target ${name}`);
    const target = await start({ inspect: gcTargets.includes(name) });
    running.push({
      target,
      cold: NO_READING,
      warm: NO_READING,
      peers0: 0,
      k: 0,
      rounds: { http: [], udp: [] },
    });
  }
  // Cold baseline: idle, before any traffic.
  const cold = await readMemory();
  running.forEach((r, i) => (r.cold = cold[i] ?? NO_READING));
  // Warm baseline, in the state the final reading finds: every measured phase run once on the first
  // `--warm-peers` pairs of the walk only (code compiled, V8's heap and the allocator sized for the load,
  // connections made), then idle until RSS is steady (`settledRssBytes`, as at the end). Bytes per peer: RSS
  // growth from there ÷ peers added since (fixed costs and the warm-up's own peers cancel out).
  const warmPeers = Math.min(TORRENTS * PEERS, Math.max(1, Number(values["warm-peers"])));
  for (const r of running) {
    for (const kind of ["http", "udp"] as const)
      if (String(values.phases).split(",").includes(kind))
        await threadedLoad(r, kind, new Latencies(), Number(values["warm-seconds"]), warmPeers);
    // The walk goes on from the first pair the warm-up did not reach.
    r.k = Math.min(r.k, warmPeers);
    r.peers0 = r.k;
    console.log(`warm-up ${r.target.name}: ${r.peers0} peers`);
  }
  const warm = await readMemory();
  running.forEach((r, i) => (r.warm = warm[i] ?? NO_READING));
  // Fill: as many of the 1,000 × 1,000 peers as each tracker takes in the time (UDP, unmeasured), so the
  // measured announces meet populated swarms, as on a live tracker.
  for (const r of running) {
    const fill = await runUdpLoad({
      port: r.target.udpPort,
      sockets: Number(values["udp-sockets"]),
      window: Number(values["udp-window"]),
      seconds: Number(values["fill-seconds"]),
      next: () => r.k++,
      latencies: new Latencies(),
    });
    r.afterFill = { rss: rssBytes(r.target.pid), peers: Math.min(r.k, TORRENTS * PEERS) };
    console.log(`fill ${r.target.name}: ${fill.requests} announces, ${r.afterFill.peers} peers`);
  }
  for (let round = 1; round <= rounds; round++) {
    // Each round starts with the next target: with a fixed order one position could be favoured throughout.
    const start = (round - 1) % running.length;
    for (const r of [...running.slice(start), ...running.slice(0, start)]) {
      const t = r.target;
      const phases = String(values.phases).split(",");
      const skipped: PhaseFigures = {
        announcesPerSecond: 0,
        announcesPerCpuSecond: 0,
        errors: 0,
        p50ms: 0,
        p99ms: 0,
        serverCpuPercent: 0,
      };
      const http = phases.includes("http")
        ? await phase(t, (latencies) => threadedLoad(r, "http", latencies))
        : skipped;
      const udp = phases.includes("udp")
        ? await phase(t, (latencies) => threadedLoad(r, "udp", latencies))
        : skipped;
      r.rounds.http.push(http);
      r.rounds.udp.push(udp);
      console.log(`round ${round} ${t.name}: ${JSON.stringify({ http, udp })}`);
    }
  }
  const ends = await readMemory();
  for (const [i, r] of running.entries()) {
    const peersHeld = Math.min(r.k, TORRENTS * PEERS);
    const end = ends[i] ?? NO_READING;
    const rssEnd = end.rss;
    const splitEnd = end.split ?? { v8Pages: 0, mallocHeap: 0, otherAnon: 0, file: 0 };
    const growth = rssEnd - r.warm.rss;
    const coldGrowth = rssEnd - r.cold.rss;
    const added = peersHeld - (r.afterFill?.peers ?? peersHeld);
    results.push({
      target: r.target.name,
      http: median(r.rounds.http),
      udp: median(r.rounds.udp),
      peersHeld,
      peersAtBaseline: r.peers0,
      forcedGc: r.target.collectGarbage !== undefined,
      coldRssBytes: r.cold.rss,
      rssGrowthBytes: growth,
      anonBytesPerPeer: Number(((end.anon - r.warm.anon) / Math.max(1, peersHeld - r.peers0)).toFixed(1)),
      anonColdBytesPerPeer: Number(((end.anon - r.cold.anon) / Math.max(1, peersHeld)).toFixed(1)),
      splitBytesPerPeer: {
        warm: splitPerPeer(splitEnd, r.warm.split, peersHeld - r.peers0),
        cold: splitPerPeer(splitEnd, r.cold.split, peersHeld),
      },
      rssBytesPerPeer: Number((growth / Math.max(1, peersHeld - r.peers0)).toFixed(1)),
      coldRssBytesPerPeer: Number((coldGrowth / Math.max(1, peersHeld)).toFixed(1)),
      outsideHeapBytesPerPeer: Number(
        ((growth - (end.v8 - r.warm.v8)) / Math.max(1, peersHeld - r.peers0)).toFixed(1),
      ),
      outsideHeapColdBytesPerPeer: Number(
        ((coldGrowth - (end.v8 - r.cold.v8)) / Math.max(1, peersHeld)).toFixed(1),
      ),
      marginalRssBytesPerPeer:
        added >= 100_000 ? Math.round((rssEnd - (r.afterFill?.rss ?? rssEnd)) / added) : undefined,
      extra: await r.target.stats?.(),
    });
  }
} finally {
  for (const r of running) await r.target.stop();
}

const row = (r: TargetFigures, p: "http" | "udp"): string =>
  `| ${r.target} | ${p.toUpperCase()} | ${r[p].announcesPerSecond.toLocaleString("en")} | ${r[p].announcesPerCpuSecond.toLocaleString("en")} | ${r[p].p50ms} | ${r[p].p99ms} | ${r[p].serverCpuPercent} % | ${r[p].errors} |`;
console.log(
  "\n| tracker | transport | announces/s | per server CPU-second | p50 ms | p99 ms | server CPU | errors |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) for (const p of ["http", "udp"] as const) console.log(row(r, p));
console.log(
  "\n| tracker | read at | cold RSS | peers held (at warm baseline) | RSS growth from warm | RSS bytes per peer, from warm | from cold | anonymous RSS, from warm / cold | less V8 heap growth, from warm / cold | marginal RSS bytes per peer added after the fill |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) {
  console.log(
    `| ${r.target} | ${r.forcedGc ? "forced GC" : "idle"} | ${(r.coldRssBytes / 2 ** 20).toFixed(1)} MiB | ${r.peersHeld.toLocaleString("en")} (${r.peersAtBaseline.toLocaleString("en")}) | ${(r.rssGrowthBytes / 2 ** 20).toFixed(1)} MiB | ${r.rssBytesPerPeer} | ${r.coldRssBytesPerPeer} | ${r.anonBytesPerPeer} / ${r.anonColdBytesPerPeer} | ${r.outsideHeapBytesPerPeer} / ${r.outsideHeapColdBytesPerPeer} | ${r.marginalRssBytesPerPeer ?? "n/a"} |`,
  );
}
// Outside V8's heap pages: V8 lets go of ~9-11 MiB of start-up heap at some point of the load (before or after
// the warm reading, run to run), which moves the whole-process figures; the rest is steady.
const outsideV8 = (x: ResidentSplit): string => (x.mallocHeap + x.otherAnon + x.file).toFixed(1);
console.log(
  "\n| tracker | RSS growth per peer by mapping (smaps.ts), from warm / from cold: V8 heap pages | malloc main heap | other anonymous (slabs, thread arenas) | files | all but V8 heap pages |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const r of results) {
  const { warm, cold } = r.splitBytesPerPeer;
  console.log(
    `| ${r.target} | ${warm.v8Pages} / ${cold.v8Pages} | ${warm.mallocHeap} / ${cold.mallocHeap} | ${warm.otherAnon} / ${cold.otherAnon} | ${warm.file} / ${cold.file} | ${outsideV8(warm)} / ${outsideV8(cold)} |`,
  );
}
const ours = results.find((r) => r.target === "switchboard");
if (ours) {
  for (const other of results.filter((r) => r !== ours)) {
    const ratio = (p: "http" | "udp", f: "announcesPerSecond" | "announcesPerCpuSecond"): string =>
      (ours[p][f] / Math.max(1, other[p][f])).toFixed(2);
    console.log(
      `switchboard / ${other.target}: announces/s HTTP ${ratio("http", "announcesPerSecond")}×, UDP ${ratio("udp", "announcesPerSecond")}×; ` +
        `per server CPU-second HTTP ${ratio("http", "announcesPerCpuSecond")}×, UDP ${ratio("udp", "announcesPerCpuSecond")}×; ` +
        `RSS per peer from warm ${(ours.rssBytesPerPeer / Math.max(1, other.rssBytesPerPeer)).toFixed(2)}×, from cold ${(ours.coldRssBytesPerPeer / Math.max(1, other.coldRssBytesPerPeer)).toFixed(2)}×`,
    );
  }
  if (typeof ours.extra?.peerBytes === "number") {
    console.log(
      `switchboard store: ${(ours.extra.peerBytes / Math.max(1, ours.peersHeld)).toFixed(1)} bytes per peer held (records + index)`,
    );
  }
}
const dir = new URL("../results/", import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, `tracker-${Date.now()}.json`),
  JSON.stringify({ seconds, rounds, before, memoryGc: gcTargets, results }, null, 2),
);
