/**
 * TURN relay benchmark: our server and coturn's turnserver side by side, same load, same auth (REST secret),
 * loopback only. Prints relayed packets/s, server CPU per relayed packet, allocations/s and the ratios.
 *   node --conditions=source --import tsx bench/turn/run.ts [--pairs N] [--workers N] [--window N]
 *        [--payload BYTES] [--seconds N] [--only switchboard|coturn]
 * A "relayed packet" is one ChannelData delivered end to end: client → relay A → relay B → client, i.e. the
 * server received and sent two datagrams for it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startCoturn, startSwitchboard, type RunningServer } from "./servers.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const PAIRS = arg("pairs", 100);
const WORKERS = arg("workers", 1);
const WINDOW = arg("window", 4);
const PAYLOAD = arg("payload", 200);
const SECONDS = arg("seconds", 10);
const WARMUP = 2;
const SECRET = "bench-secret";
const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const WORKER = fileURLToPath(new URL("./load-worker.ts", import.meta.url));

interface Result {
  server: string;
  note: string;
  allocations: number;
  allocationsPerSecond: number;
  relayedPerSecond: number;
  cpuMicrosPerPacket: number;
  serverCpuPercent: number;
}

/** utime + stime of a process (all threads), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(server: RunningServer): Promise<Result> {
  const workers: ChildProcess[] = [];
  const counts = new Array<number>(WORKERS).fill(0);
  const ready: Array<Promise<{ allocations: number; allocSeconds: number }>> = [];
  try {
    for (let id = 0; id < WORKERS; id++) {
      const w = fork(WORKER, [], { execArgv: ["--conditions=source", "--import", "tsx"], stdio: "inherit" });
      workers.push(w);
      ready.push(
        new Promise((resolve, reject) => {
          w.on(
            "message",
            (m: {
              type: string;
              received?: number;
              message?: string;
              allocations?: number;
              allocSeconds?: number;
            }) => {
              if (m.type === "ready")
                resolve({ allocations: m.allocations ?? 0, allocSeconds: m.allocSeconds ?? 0 });
              else if (m.type === "count") counts[id] = m.received ?? 0;
              else if (m.type === "error") reject(new Error(m.message));
            },
          );
          w.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
        }),
      );
      w.send({
        server: { address: "127.0.0.1", port: server.port },
        secret: SECRET,
        pairs: Math.ceil(PAIRS / WORKERS),
        window: WINDOW,
        payload: PAYLOAD,
        id,
      });
    }
    const setups = await Promise.all(ready);
    const allocations = setups.reduce((s, r) => s + r.allocations, 0);
    const allocSeconds = Math.max(...setups.map((r) => r.allocSeconds));
    for (const w of workers) w.send({ type: "go" });
    await sleep(WARMUP * 1000);
    const c0 = counts.reduce((a, b) => a + b, 0);
    const cpu0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const c1 = counts.reduce((a, b) => a + b, 0);
    const cpu1 = cpuSeconds(server.pid);
    const elapsed = (performance.now() - t0) / 1000;
    const packets = c1 - c0;
    return {
      server: server.name,
      note: server.note,
      allocations,
      allocationsPerSecond: allocations / allocSeconds,
      relayedPerSecond: packets / elapsed,
      cpuMicrosPerPacket: packets > 0 ? ((cpu1 - cpu0) * 1e6) / packets : NaN,
      serverCpuPercent: ((cpu1 - cpu0) / elapsed) * 100,
    };
  } finally {
    for (const w of workers) if (w.connected) w.send({ type: "stop" });
    await sleep(300);
    for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
  }
}

async function main(): Promise<void> {
  console.log(
    `TURN relay benchmark: ${PAIRS} allocation pairs (${PAIRS * 2} allocations), ${WORKERS} load worker(s), ` +
      `window ${WINDOW}, ${PAYLOAD}-byte payloads, ${SECONDS} s measured after ${WARMUP} s warm-up`,
  );
  const results: Result[] = [];
  const all = [
    { name: "switchboard", start: () => startSwitchboard(SECRET, 40000, 44999) },
    { name: "coturn", start: () => startCoturn(SECRET, 45000, 49999) },
  ];
  const starters = all.filter((s) => ONLY === undefined || s.name === ONLY).map((s) => s.start);
  for (const start of starters) {
    const server = await start();
    try {
      results.push(await measure(server));
    } finally {
      await server.stop();
    }
  }
  console.table(
    results.map((r) => ({
      server: r.server,
      "relayed pkt/s": Math.round(r.relayedPerSecond),
      "server CPU µs/pkt": r.cpuMicrosPerPacket.toFixed(1),
      "server CPU %": Math.round(r.serverCpuPercent),
      "allocations/s": Math.round(r.allocationsPerSecond),
    })),
  );
  const [ours, coturn] = results;
  if (ours && coturn) {
    console.log(
      `ratios (switchboard / coturn): relayed pkt/s ${(ours.relayedPerSecond / coturn.relayedPerSecond).toFixed(2)}, ` +
        `CPU per packet ${(ours.cpuMicrosPerPacket / coturn.cpuMicrosPerPacket).toFixed(2)}, ` +
        `allocations/s ${(ours.allocationsPerSecond / coturn.allocationsPerSecond).toFixed(2)}`,
    );
  }
  for (const r of results) console.log(`${r.server}: ${r.note}`);
  const dir = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    `${dir}turn-${Date.now()}.json`,
    JSON.stringify({ pairs: PAIRS, workers: WORKERS, results }, null, 2),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
