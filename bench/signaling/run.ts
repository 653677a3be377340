// Signaling benchmark: idle connections held (RSS per connection) and targeted relay throughput/latency for
// one instance, two instances over Redis, and the PeerJS server on the same pattern. Loopback only.
//   bash bench/signaling/run.sh                       relay: one instance, PeerJS, two over Redis, each round (~2 min)
//   bash bench/signaling/run.sh --only one,redis      scale-out: two instances over Redis / one instance, ratio printed
//   bash bench/signaling/run.sh --only idle,peerjs-idle   idle connections held and RSS (~3 min each here)
//   options: --idle N (19,900: the fd hard limit here is 20,000) --pairs P --window W --seconds S --rounds R
//            --profile DIR (our instances run with --cpu-prof, profiles written to DIR when they stop)
//            --main FILE (the service entry to run instead of services/signaling/dist/main.js: compare builds)
//            --baseline FILE (another build's entry: each round also runs the two-instance relay on it; ratio)
//            --ids (our relays carry a request id, so each is acknowledged: across instances, after a receipt)
//            --trace-syscalls DIR (two instances: `perf record` of both instances' and Redis's read/write system
//            calls for 1 s in the middle of each round, to DIR/<round>.data; `perf script` shows fd and bytes)
//            --layout one-way|both-ways (two instances: every sender on the first instance and every receiver on
//            the second — the default — or senders alternating between them; see relay-load.ts)
import { execFile, fork } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ROOT,
  rssBytes,
  startPeerJs,
  startRedis,
  startSignaling,
  type Child,
  type SignalingRun,
} from "./processes.js";
import {
  peerJsEndpoint,
  runRelay,
  switchboardEndpoint,
  type Layout,
  type RelayResult,
} from "./relay-load.js";

const args = process.argv.slice(2);
const arg = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const IDLE = arg("idle", 19_900);
const PAIRS = arg("pairs", 50);
const WINDOW = arg("window", 8);
const SECONDS = arg("seconds", 8);
const ROUNDS = arg("rounds", 3);
const strArg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = new Set((strArg("only") ?? "one,redis,peerjs").split(","));
const PROFILE_DIR = strArg("profile");
const MAIN = strArg("main");
const BASELINE = strArg("baseline");
const IDS = args.includes("--ids");
const TRACE_DIR = strArg("trace-syscalls");
const TRACED = ["read", "write", "writev", "readv", "recvfrom", "sendto", "sendmsg", "recvmsg"].flatMap(
  (c) => [`syscalls:sys_enter_${c}`, `syscalls:sys_exit_${c}`],
);

/** `perf record` of the processes' read/write system calls for one second (needs root or perf rights). */
async function traceSyscalls(file: string, pids: readonly number[]): Promise<void> {
  mkdirSync(TRACE_DIR!, { recursive: true });
  const events = TRACED.flatMap((e) => ["-e", e]);
  await execFileAsync("perf", [
    "record",
    "-q",
    ...events,
    "-p",
    pids.join(","),
    "-o",
    file,
    "--",
    "sleep",
    "1",
  ]);
}
const LAYOUT = (strArg("layout") ?? "one-way") as Layout;
if (LAYOUT !== "both-ways" && LAYOUT !== "one-way") throw new Error("--layout is both-ways or one-way");
const RUN: SignalingRun = {
  nodeArgs: PROFILE_DIR === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`],
  ...(MAIN === undefined ? {} : { main: MAIN }),
};

const MiB = 1024 * 1024;
const execFileAsync = promisify(execFile);
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  pairs: PAIRS,
  window: WINDOW,
  seconds: SECONDS,
  rounds: ROUNDS,
  ids: IDS,
  layout: LAYOUT,
};

/** The round with the median throughput (rounds alternate between servers, so load drift hits both). */
function median(rs: RelayResult[]): RelayResult {
  const sorted = [...rs].sort((a, b) => a.perSecond - b.perSecond);
  return sorted[Math.floor(sorted.length / 2)];
}

async function holdIdle(kind: "switchboard" | "peerjs", server: Child, url: string, n: number) {
  const before = await rssBytes(server.proc.pid!);
  const workers = 2;
  const per = Math.ceil(n / workers);
  const started = Date.now();
  const kids = Array.from({ length: workers }, (_, w) =>
    fork(
      join(ROOT, "bench/signaling/idle-clients.ts"),
      [kind, url, String(Math.min(per, n - w * per)), String(w * per), "10"],
      {
        execArgv: ["--conditions=source", "--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      },
    ),
  );
  const ready = await Promise.all(
    kids.map(
      (k) =>
        new Promise<number>((resolve, reject) => {
          k.on("message", (m: { ready?: number; error?: string }) =>
            m.error ? reject(new Error(m.error)) : resolve(m.ready ?? 0),
          );
          k.on("exit", (code) => code !== 0 && reject(new Error(`idle worker exited ${code}`)));
        }),
    ),
  );
  const held = ready.reduce((a, b) => a + b, 0);
  const setupSeconds = (Date.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 3000));
  const after = await rssBytes(server.proc.pid!);
  for (const k of kids) k.send("close");
  await Promise.all(kids.map((k) => new Promise((r) => k.on("exit", r))));
  return {
    held,
    setupSeconds,
    rssBeforeMiB: before / MiB,
    rssAfterMiB: after / MiB,
    bytesPerConnection: Math.round((after - before) / held),
    projectedRssAt20kMiB: (before + ((after - before) / held) * 20_000) / MiB,
  };
}

/** Per-round ratios of relayed msg/s (the rounds alternate, so each pair ran under similar load). */
const roundRatios = (a: RelayResult[], b: RelayResult[]): string =>
  a
    .slice(0, b.length)
    .map((r, i) => (r.perSecond / b[i].perSecond).toFixed(2))
    .join(", ");

/** Bus publishes Redis has run so far (calls of the publish script before round seven, EXECs since). */
async function busPublishes(port: number): Promise<number> {
  const { stdout } = await execFileAsync("redis-cli", ["-p", String(port), "INFO", "commandstats"]);
  let calls = 0;
  for (const m of stdout.matchAll(/^cmdstat_(?:evalsha|exec):calls=(\d+)/gm)) calls += Number(m[1]);
  return calls;
}

const n = (x: number) => Math.round(x).toLocaleString("en");
const redisPart = (r: RelayResult): string =>
  r.sideCpuSeconds === undefined
    ? ""
    : `, Redis ${((r.sideCpuSeconds * 1e6) / r.messages).toFixed(2)} µs CPU/msg${r.counted ? `, ${(r.messages / r.counted).toFixed(1)} msg per publish` : ""}`;
/** Per process: CPU µs, reads and writes per message, bytes per read/write (how large each one's batches are). */
const procs = (r: RelayResult): string =>
  r.processes
    .map(
      (p) =>
        `${p.name} ${p.cpuUsPerMessage.toFixed(2)} µs, r ${p.readsPerMessage.toFixed(3)}/msg ${n(p.bytesPerRead)} B, w ${p.writesPerMessage.toFixed(3)}/msg ${n(p.bytesPerWrite)} B`,
    )
    .join("; ");
const fmt = (r: RelayResult) =>
  `${n(r.perSecond)} msg/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${n(r.perServerCpuSecond)} msg per server CPU-second, server syscalls/msg ${r.readsPerMessage.toFixed(2)} read ${r.writesPerMessage.toFixed(2)} write, generator ${r.generatorCores.toFixed(2)} cores${redisPart(r)}, load avg ${r.loadAvg.toFixed(1)}`;

async function main(): Promise<void> {
  if (only.has("idle")) {
    const s = await startSignaling({}, RUN);
    try {
      const r = await holdIdle("switchboard", s, `ws://127.0.0.1:${s.port}/ws`, IDLE);
      results.idle = r;
      console.log(
        `idle (switchboard): ${r.held} sessions in rooms of 10, RSS ${r.rssBeforeMiB.toFixed(0)} → ${r.rssAfterMiB.toFixed(0)} MiB, ${r.bytesPerConnection} B/connection, projected ${r.projectedRssAt20kMiB.toFixed(0)} MiB at 20,000 (setup ${r.setupSeconds.toFixed(1)} s)`,
      );
    } finally {
      await s.stop();
    }
  }
  if (only.has("peerjs-idle")) {
    const p = await startPeerJs();
    try {
      const r = await holdIdle("peerjs", p, `ws://127.0.0.1:${p.port}`, IDLE);
      results.peerjsIdle = r;
      console.log(
        `idle (peerjs): ${r.held} connections, RSS ${r.rssBeforeMiB.toFixed(0)} → ${r.rssAfterMiB.toFixed(0)} MiB, ${r.bytesPerConnection} B/connection`,
      );
    } finally {
      await p.stop();
    }
  }
  const relayOpts = (...servers: Child[]) => ({
    pairs: PAIRS,
    window: WINDOW,
    seconds: SECONDS,
    serverPids: servers.map((s) => s.proc.pid!),
  });
  const ones: RelayResult[] = [];
  const pjs: RelayResult[] = [];
  const reds: RelayResult[] = [];
  const baseReds: RelayResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (only.has("one")) {
      const s = await startSignaling({}, RUN);
      try {
        const r = await runRelay(switchboardEndpoint([s.port], IDS), relayOpts(s));
        ones.push(r);
        console.log(`round ${round + 1} relay, one instance: ${fmt(r)}`);
        console.log(`  per process: ${procs(r)}`);
      } finally {
        await s.stop();
      }
    }
    if (only.has("peerjs")) {
      const p = await startPeerJs();
      try {
        const r = await runRelay(peerJsEndpoint(p.port), relayOpts(p));
        pjs.push(r);
        console.log(`round ${round + 1} relay, PeerJS server 1.0.2: ${fmt(r)}`);
      } finally {
        await p.stop();
      }
    }
    const overRedis = async (run: SignalingRun): Promise<RelayResult> => {
      const redis = await startRedis();
      const env = { REDIS_URL: `redis://127.0.0.1:${redis.port}` };
      const a = await startSignaling(env, run);
      const b = await startSignaling(env, run);
      try {
        return await runRelay(switchboardEndpoint([a.port, b.port], IDS, LAYOUT), {
          ...relayOpts(a, b),
          sidePids: [redis.proc.pid!],
          counter: () => busPublishes(redis.port),
          ...(TRACE_DIR === undefined
            ? {}
            : {
                midway: () =>
                  traceSyscalls(
                    join(TRACE_DIR, `${round + 1}-${run.main === undefined ? "ours" : "baseline"}.data`),
                    [a.proc.pid!, b.proc.pid!, redis.proc.pid!],
                  ),
              }),
        });
      } finally {
        await a.stop();
        await b.stop();
        await redis.stop();
      }
    };
    const ours = async () => {
      const r = await overRedis(RUN);
      reds.push(r);
      console.log(
        `round ${round + 1} relay, two instances over Redis (every message crosses, ${LAYOUT}): ${fmt(r)}`,
      );
      console.log(`  per process: ${procs(r)}`);
    };
    const baseline = async () => {
      const r = await overRedis({ ...RUN, main: BASELINE });
      baseReds.push(r);
      console.log(`round ${round + 1} relay, two instances over Redis, baseline build: ${fmt(r)}`);
      console.log(`  per process: ${procs(r)}`);
    };
    // With a baseline, the two builds take turns going first (a round's order is not always in one's favour).
    if (only.has("redis") && BASELINE !== undefined && round % 2 === 1) await baseline();
    if (only.has("redis")) await ours();
    if (only.has("redis") && BASELINE !== undefined && round % 2 === 0) await baseline();
  }
  if (baseReds.length > 0 && reds.length > 0) {
    const ours = median(reds);
    const base = median(baseReds);
    results.relayRedisBaseline = { main: BASELINE, median: base, rounds: baseReds };
    results.ratioRedisToBaseline = {
      throughput: ours.perSecond / base.perSecond,
      perCpu: ours.perServerCpuSecond / base.perServerCpuSecond,
    };
    console.log(`median relay over Redis, baseline build: ${fmt(base)}`);
    console.log(
      `two instances over Redis, this build / baseline: ${(ours.perSecond / base.perSecond).toFixed(2)}× msg/s (rounds ${roundRatios(reds, baseReds)}), ${(ours.perServerCpuSecond / base.perServerCpuSecond).toFixed(2)}× msg per server CPU-second`,
    );
  }
  if (ones.length > 0) results.relayOne = { median: median(ones), rounds: ones };
  if (pjs.length > 0) results.relayPeerJs = { median: median(pjs), rounds: pjs };
  if (reds.length > 0) results.relayRedis = { median: median(reds), rounds: reds };
  const one = ones.length > 0 ? median(ones) : undefined;
  const pj = pjs.length > 0 ? median(pjs) : undefined;
  const red = reds.length > 0 ? median(reds) : undefined;
  if (one) console.log(`median relay, one instance: ${fmt(one)}`);
  if (pj) console.log(`median relay, PeerJS: ${fmt(pj)}`);
  if (red) console.log(`median relay, two instances over Redis: ${fmt(red)}`);
  if (one && red) {
    const ratio = {
      throughput: red.perSecond / one.perSecond,
      perCpu: red.perServerCpuSecond / one.perServerCpuSecond,
    };
    results.ratioRedisToOne = ratio;
    console.log(
      `two instances over Redis / one instance: ${ratio.throughput.toFixed(2)}× msg/s (rounds ${roundRatios(reds, ones)}), ${ratio.perCpu.toFixed(2)}× msg per server CPU-second`,
    );
  }
  if (one && pj) {
    const ratio = {
      throughput: one.perSecond / pj.perSecond,
      perCpu: one.perServerCpuSecond / pj.perServerCpuSecond,
    };
    results.ratioVsPeerJs = ratio;
    console.log(
      `one instance / PeerJS: ${ratio.throughput.toFixed(2)}× msg/s, ${ratio.perCpu.toFixed(2)}× msg per server CPU-second`,
    );
  }
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  const file = join(ROOT, "bench/results", `signaling-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`results: ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
