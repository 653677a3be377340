/**
 * TURN relay benchmark: our server, coturn's turnserver and node-turn (npm, what a Node user would install
 * instead) side by side, same load, same credentials (TURN REST API usernames; node-turn gets them as its static
 * long-term accounts), loopback only. Prints relayed packets/s, server CPU per relayed packet, allocations/s and
 * the ratios of ours to each reference.
 *   node --conditions=source --import tsx bench/turn/run.ts [--pairs N] [--workers N] [--window N]
 *        [--payload BYTES] [--seconds N] [--only switchboard|coturn|node-turn]
 * A "relayed packet" is one ChannelData delivered end to end: client → relay A → relay B → client, i.e. the
 * server received and sent two datagrams for it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { turnPassword } from "@switchboard/turn-credentials";
import { startCoturn, startNodeTurn, startSwitchboard, type RunningServer } from "./servers.js";

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

type ClientSend = "channel" | "indication";

interface Result {
  server: string;
  clientSend: ClientSend;
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

interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** One REST-API credential per load worker, valid for the whole run. */
const CREDENTIALS: readonly Credentials[] = Array.from({ length: WORKERS }, (_, id) => {
  const username = `${Math.floor(Date.now() / 1000) + 3600}:bench${id}`;
  return { username, password: turnPassword(SECRET, username) };
});

async function measure(server: RunningServer, clientSend: ClientSend): Promise<Result> {
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
        ...CREDENTIALS[id],
        clientSend,
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
      clientSend,
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
  // node-turn 0.0.6 ignores ChannelData from clients (it only sends it), so it is measured with Send indications,
  // and so is our server for that ratio; ours and coturn are compared on ChannelData, the path WebRTC uses.
  const all: { name: string; clientSend: ClientSend; start: () => Promise<RunningServer> }[] = [
    { name: "switchboard", clientSend: "channel", start: () => startSwitchboard(SECRET, 40000, 44999) },
    { name: "coturn", clientSend: "channel", start: () => startCoturn(SECRET, 45000, 49999) },
    { name: "switchboard", clientSend: "indication", start: () => startSwitchboard(SECRET, 40000, 44999) },
    {
      name: "node-turn",
      clientSend: "indication",
      start: () =>
        startNodeTurn(Object.fromEntries(CREDENTIALS.map((c) => [c.username, c.password])), 50000, 54999),
    },
  ];
  for (const run of all.filter((s) => ONLY === undefined || s.name === ONLY)) {
    const server = await run.start();
    try {
      results.push(await measure(server, run.clientSend));
    } finally {
      await server.stop();
    }
  }
  console.table(
    results.map((r) => ({
      server: r.server,
      "client sends": r.clientSend === "channel" ? "ChannelData" : "Send indication",
      "relayed pkt/s": Math.round(r.relayedPerSecond),
      "server CPU µs/pkt": r.cpuMicrosPerPacket.toFixed(1),
      "server CPU %": Math.round(r.serverCpuPercent),
      "allocations/s": Math.round(r.allocationsPerSecond),
    })),
  );
  for (const ref of results.filter((r) => r.server !== "switchboard")) {
    const ours = results.find((r) => r.server === "switchboard" && r.clientSend === ref.clientSend);
    if (!ours) continue;
    console.log(
      `ratios (switchboard / ${ref.server}, ${ref.clientSend}): relayed pkt/s ${(ours.relayedPerSecond / ref.relayedPerSecond).toFixed(2)}, ` +
        `CPU per packet ${(ours.cpuMicrosPerPacket / ref.cpuMicrosPerPacket).toFixed(2)}, ` +
        `allocations/s ${(ours.allocationsPerSecond / ref.allocationsPerSecond).toFixed(2)}`,
    );
  }
  for (const r of new Set(results.map((x) => `${x.server}: ${x.note}`))) console.log(r);
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
