// bench/files: file sharing throughput between Node processes on loopback, with its reference in the same run.
//   1. one `switchboard share` → one `switchboard get` vs a bare data-channel pump (same SDK stack, same link,
//      16 KiB messages like our blocks), and vs WebTorrent (the `webtorrent` package, seeder → downloader over
//      TCP on loopback: what a user of it gets, not the same transport)
//   2. three seeders each capped at the same rate → one downloader vs one capped seeder
// Run: bash bench/files/install-webtorrent.sh   (once; offline from the registry into bench/.peers/webtorrent)
//      npx turbo run build && node --conditions=source --import tsx bench/files/run.ts [MiB] [capMiBps]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalPlatform } from "../../test/deploy/lib/local-platform.js";
import { median } from "../median.js";

const CLI = fileURLToPath(new URL("../../packages/cli/dist/main.js", import.meta.url));
const PUMP = fileURLToPath(new URL("./pump.ts", import.meta.url));
const WEBTORRENT = fileURLToPath(new URL("./webtorrent-peer.mjs", import.meta.url));
const HAVE_WEBTORRENT = existsSync(
  fileURLToPath(new URL("../.peers/webtorrent/node_modules/webtorrent/index.js", import.meta.url)),
);
const MiB = 2 ** 20;
const sizeMiB = Number(process.argv[2] ?? 200);
const capMiBps = Number(process.argv[3] ?? 4);
/** Rounds of each figure (alternating ours and the reference); `BENCH_ROUNDS` overrides. */
const RUNS = Number(process.env.BENCH_ROUNDS ?? 5);
/** `BENCH_ONLY=one` measures only one seeder → one downloader against the pump (quick A/B while tuning). */
/** The pump's message size: 16 KiB like one block (`BENCH_PUMP_MESSAGE` to compare others). */
const PUMP_MESSAGE = Number(process.env.BENCH_PUMP_MESSAGE ?? 16384);
const ONLY_ONE = process.env.BENCH_ONLY === "one";

interface Ev {
  event: string;
  [k: string]: unknown;
}

/** CPU seconds (user + system, every thread) a process has used so far; 0 once it is gone (Linux /proc). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14 and 15) in USER_HZ ticks
  } catch {
    return 0;
  }
}

interface Child {
  events: Ev[];
  at: Map<string, number>;
  exit: Promise<number | null>;
  kill(): void;
  cpu(): number;
}

function run(args: string[], tsx = false, onEvent?: (e: Ev) => void): Child {
  const child = spawn(process.execPath, tsx ? ["--conditions=source", "--import", "tsx", ...args] : args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const events: Ev[] = [];
  const at = new Map<string, number>();
  let partial = "";
  child.stdout.on("data", (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const l of lines) {
      if (!l.startsWith("{")) continue;
      const e = JSON.parse(l) as Ev;
      events.push(e);
      if (!at.has(e.event)) at.set(e.event, performance.now());
      onEvent?.(e);
    }
  });
  child.stderr.resume();
  return {
    events,
    at,
    exit: new Promise((r) => child.once("exit", (c) => r(c))),
    kill: () => child.kill("SIGTERM"),
    cpu: () => cpuSeconds(child.pid),
  };
}

async function until(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let n = 0;

/** CPU seconds per MiB moved, both processes together, per figure. */
const cpuPerMiB = new Map<string, number[]>();
const noteCpu = (figure: string, seconds: number, bytes: number): void => {
  cpuPerMiB.set(figure, [...(cpuPerMiB.get(figure) ?? []), seconds / (bytes / MiB)]);
};

async function pump(ws: string, bytes: number): Promise<number> {
  const code = `bench-pump-${process.pid}-${++n}`;
  const sender: { child?: Child } = {};
  const cpu = { first: 0, done: 0 };
  const both = (): number => recv.cpu() + (sender.child?.cpu() ?? 0);
  const recv = run([PUMP, "recv", ws, code, String(bytes)], true, (e) => {
    if (e.event === "first") cpu.first = both();
    if (e.event === "done") cpu.done = both();
  });
  await until(() => recv.at.has("ready"), "pump recv ready");
  const send = (sender.child = run([PUMP, "send", ws, code, String(bytes), String(PUMP_MESSAGE)], true));
  await recv.exit;
  noteCpu("pump", cpu.done - cpu.first, bytes);
  send.kill();
  await send.exit;
  const done = recv.events.find((e) => e.event === "done")!;
  return bytes / MiB / ((done.ms as number) / 1000);
}

/** WebTorrent seeder → downloader (two processes, TCP on loopback); MiB/s from the first peer wire to done. */
async function webtorrent(file: string, bytes: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "bench-webtorrent-"));
  const torrent = join(dir, "bench.torrent");
  const seed = run([WEBTORRENT, "seed", file, torrent]);
  try {
    await until(() => seed.at.has("seeding"), "webtorrent seeder ready", 300_000);
    const port = String(seed.events.find((e) => e.event === "seeding")!.port);
    const get = run([WEBTORRENT, "get", torrent, port, join(dir, "out")]);
    const code = await get.exit;
    const done = get.events.find((e) => e.event === "done");
    if (code !== 0 || !done) throw new Error(`webtorrent get exited ${code}`);
    return bytes / MiB / ((done.ms as number) / 1000);
  } finally {
    seed.kill();
    await seed.exit;
    await rm(dir, { recursive: true, force: true });
  }
}

/** Seeds with `seeders` processes (optionally capped), downloads once; MiB/s from manifest to complete. */
async function files(
  ws: string,
  file: string,
  bytes: number,
  seeders: number,
  cap?: number,
): Promise<number> {
  const code = `bench-files-${process.pid}-${++n}`;
  const extra = cap ? ["--upload-limit", String(cap)] : [];
  const seeds = Array.from({ length: seeders }, () =>
    run([CLI, "share", file, "-m", code, "-s", ws, "--json", ...extra]),
  );
  await until(() => seeds.every((s) => s.at.has("seeding")), "seeders ready");
  const link = seeds[0].events.find((e) => e.event === "shared")!.link as string;
  const out = await mkdtemp(join(tmpdir(), "bench-files-out-"));
  const cpu = { manifest: 0, complete: 0 };
  const all = (): number => seeds.reduce((sum, s) => sum + s.cpu(), get.cpu());
  const get: Child = run([CLI, "get", link, "--out", out, "--json"], false, (e) => {
    if (e.event === "manifest") cpu.manifest = all();
    if (e.event === "complete") cpu.complete = all();
  });
  const code0 = await get.exit;
  for (const s of seeds) s.kill();
  await Promise.all(seeds.map((s) => s.exit));
  await rm(out, { recursive: true, force: true });
  if (code0 !== 0) throw new Error(`get exited ${code0}`);
  const ms = get.at.get("complete")! - get.at.get("manifest")!;
  noteCpu(`files-${seeders}${cap ? "-capped" : ""}`, cpu.complete - cpu.manifest, bytes);
  return bytes / MiB / (ms / 1000);
}

const loadStart = loadavg().map((x) => x.toFixed(1));
const dir = await mkdtemp(join(tmpdir(), "bench-files-"));
const platform = await startLocalPlatform();
try {
  const bytes = sizeMiB * MiB;
  const file = join(dir, "bench.bin");
  const fh = await open(file, "w");
  for (let at = 0; at < bytes; at += MiB) await fh.write(randomBytes(MiB));
  await fh.close();

  const pumpRuns: number[] = [];
  const oneRuns: number[] = [];
  const webtorrentRuns: number[] = [];
  if (!HAVE_WEBTORRENT) console.error("webtorrent not installed: bash bench/files/install-webtorrent.sh");
  for (let i = 0; i < RUNS; i++) {
    pumpRuns.push(await pump(platform.signalingUrl, bytes));
    oneRuns.push(await files(platform.signalingUrl, file, bytes, 1));
    if (HAVE_WEBTORRENT && !ONLY_ONE) webtorrentRuns.push(await webtorrent(file, bytes));
  }
  const capBytes = ONLY_ONE ? 0 : Math.min(bytes, 48 * MiB);
  const capFile = join(dir, "cap.bin");
  const ch = await open(capFile, "w");
  for (let at = 0; at < capBytes; at += MiB) await ch.write(randomBytes(MiB));
  await ch.close();
  const cap = capMiBps * MiB;
  const oneCapped: number[] = [];
  const threeCapped: number[] = [];
  for (let i = 0; i < RUNS && !ONLY_ONE; i++) {
    oneCapped.push(await files(platform.signalingUrl, capFile, capBytes, 1, cap));
    threeCapped.push(await files(platform.signalingUrl, capFile, capBytes, 3, cap));
  }
  const f = (x: number): string => x.toFixed(1);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    sizeMiB,
    runs: RUNS,
    pumpMessageBytes: PUMP_MESSAGE,
    pumpMiBps: pumpRuns.map(f),
    filesMiBps: oneRuns.map(f),
    ratioFilesToPump: (median(oneRuns) / median(pumpRuns)).toFixed(2),
    webtorrentMiBps: webtorrentRuns.map(f),
    ratioFilesToWebtorrent: webtorrentRuns.length
      ? (median(oneRuns) / median(webtorrentRuns)).toFixed(2)
      : "not measured",
    capMiBps,
    capSizeMiB: capBytes / MiB,
    oneCappedMiBps: oneCapped.map(f),
    threeCappedMiBps: threeCapped.map(f),
    ratioThreeToOne: ONLY_ONE ? "not measured" : (median(threeCapped) / median(oneCapped)).toFixed(2),
    cpuSecondsPerMiB: Object.fromEntries([...cpuPerMiB].map(([k, v]) => [k, v.map((x) => x.toFixed(3))])),
    loadAverage: { start: loadStart, end: loadavg().map(f) },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await platform.stop();
  await rm(dir, { recursive: true, force: true });
}
