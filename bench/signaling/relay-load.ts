// Targeted relay load: P pairs, each sender keeps W messages in flight to its partner; the receiver (in this
// process) records the latency. The same pattern for our protocol and for PeerJS's.
import { loadavg } from "node:os";
import { RawWs } from "./raw-client.js";

export interface RelayResult {
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU seconds the server process(es) used in the window (user + system). */
  readonly serverCpuSeconds: number;
  /** Messages relayed per second of server CPU: the fair figure on a shared machine. */
  readonly perServerCpuSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The machine's 1-minute load average at the end of the window (the machine is shared). */
  readonly loadAvg: number;
  /** Read and write system calls of the server process(es) per relayed message (from /proc/PID/io). */
  readonly readsPerMessage: number;
  readonly writesPerMessage: number;
  /** Cores the load generator (this process) kept busy in the window: near 1, it limits the throughput. */
  readonly generatorCores: number;
  /** CPU seconds of the processes besides the servers (`sidePids`: Redis) in the window. */
  readonly sideCpuSeconds?: number;
  /** How much `counter` (e.g. Redis's count of bus publishes) grew in the window. */
  readonly counted?: number;
  /**
   * Per process (servers, then side processes, then the generator): CPU µs, read and write system calls per
   * relayed message, and bytes per read and per write — the average batch each process moves per system call.
   */
  readonly processes: readonly ProcessFigures[];
}

export interface ProcessFigures {
  readonly name: string;
  readonly cpuUsPerMessage: number;
  readonly readsPerMessage: number;
  readonly writesPerMessage: number;
  readonly bytesPerRead: number;
  readonly bytesPerWrite: number;
}

export interface Endpoint {
  /** Opens a connected, ready client; returns its peer id and a function that builds a frame to `to`. */
  open(
    index: number,
    room: string,
  ): Promise<{ ws: RawWs; id: string; frame: (to: string, stamp: string) => string }>;
}

const CANDIDATE = (stamp: string) =>
  `{"candidate":"candidate:842163049 1 udp 1677729535 127.0.0.1 ${stamp} typ srflx","sdpMid":"0","sdpMLineIndex":0}`;

/**
 * Which instance a client connects to when there are two or more. Client `2p` sends to client `2p + 1` (pair
 * `p`). `one-way`: every sender on the first instance, every receiver on the second (one instance only reads
 * client frames and publishes, the other only delivers). `both-ways`: pair `p`'s sender on instance `p mod n`
 * and its receiver on the next, so each instance reads, publishes and delivers its share, as instances behind a
 * load balancer do; every message still crosses the bus.
 */
export type Layout = "one-way" | "both-ways";

function instanceOf(index: number, n: number, layout: Layout): number {
  const pair = Math.floor(index / 2);
  const role = index % 2;
  return layout === "one-way" ? index % n : (pair + role) % n;
}

/**
 * Our protocol: hello → welcome, join the pair's room, then `signal` candidates; with `ids`, each carries a
 * request id (the stamp), so the server acknowledges it to the sender.
 */
export function switchboardEndpoint(
  ports: readonly number[],
  ids = false,
  layout: Layout = "one-way",
): Endpoint {
  return {
    async open(index, room) {
      const ws = await RawWs.connect(ports[instanceOf(index, ports.length, layout)], "/ws");
      const welcome = ws.waitFor(/"sessionId":"([^"]+)"/);
      ws.send('{"v":1,"type":"hello"}');
      const id = (await welcome)[1];
      const joined = ws.waitFor(/"type":"(joined|error)"/);
      ws.send(JSON.stringify({ v: 1, type: "join", roomId: room }));
      if ((await joined)[1] === "error") throw new Error("join failed");
      return {
        ws,
        id,
        frame: (to, stamp) =>
          `{"v":1,${ids ? `"id":"${stamp}",` : ""}"type":"signal","roomId":"${room}","to":"${to}","data":{"kind":"candidate","candidate":${CANDIDATE(stamp)}}}`,
      };
    },
  };
}

/** PeerJS: `/peerjs?key&id&token` → OPEN, then `CANDIDATE` messages with `dst` (what its client sends). */
export function peerJsEndpoint(port: number): Endpoint {
  return {
    async open(index) {
      const id = `peer${index}x${Math.random().toString(36).slice(2, 8)}`;
      const ws = await RawWs.connect(port, `/peerjs?key=peerjs&id=${id}&token=t${index}`);
      await ws.waitFor(/"OPEN"/);
      return {
        ws,
        id,
        frame: (to, stamp) =>
          `{"type":"CANDIDATE","dst":"${to}","payload":{"candidate":${CANDIDATE(stamp)},"type":"media","connectionId":"mc_x"}}`,
      };
    },
  };
}

const STAMP = /127\.0\.0\.1 (\d+) typ/g;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs the pattern for `seconds` after a 1 s warm-up. */
async function cpuSeconds(pids: readonly number[]): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** A process's CPU ticks and I/O counters so far (`/proc/PID/stat`, `/proc/PID/io`). */
interface ProcessCounters {
  readonly ticks: number;
  readonly syscr: number;
  readonly syscw: number;
  readonly rchar: number;
  readonly wchar: number;
}

async function processCounters(pid: number): Promise<ProcessCounters> {
  const { readFile } = await import("node:fs/promises");
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const io = await readFile(`/proc/${pid}/io`, "utf8").catch(() => "");
  const field = (name: string) => Number(new RegExp(`${name}: (\\d+)`).exec(io)?.[1] ?? NaN);
  return {
    ticks: Number(fields[11]) + Number(fields[12]),
    syscr: field("syscr"),
    syscw: field("syscw"),
    rchar: field("rchar"),
    wchar: field("wchar"),
  };
}

function figures(name: string, a: ProcessCounters, b: ProcessCounters, messages: number): ProcessFigures {
  const reads = b.syscr - a.syscr;
  const writes = b.syscw - a.syscw;
  return {
    name,
    cpuUsPerMessage: ((b.ticks - a.ticks) * 1e4) / messages,
    readsPerMessage: reads / messages,
    writesPerMessage: writes / messages,
    bytesPerRead: (b.rchar - a.rchar) / Math.max(1, reads),
    bytesPerWrite: (b.wchar - a.wchar) / Math.max(1, writes),
  };
}

/** Read and write system calls the processes made so far. */
async function syscalls(pids: readonly number[]): Promise<{ reads: number; writes: number }> {
  const { readFile } = await import("node:fs/promises");
  let reads = 0;
  let writes = 0;
  for (const pid of pids) {
    const io = await readFile(`/proc/${pid}/io`, "utf8").catch(() => "");
    reads += Number(/syscr: (\d+)/.exec(io)?.[1] ?? NaN);
    writes += Number(/syscw: (\d+)/.exec(io)?.[1] ?? NaN);
  }
  return { reads, writes };
}

export async function runRelay(
  endpoint: Endpoint,
  opts: {
    pairs: number;
    window: number;
    seconds: number;
    serverPids: readonly number[];
    sidePids?: readonly number[];
    /** Called once in the middle of the window (e.g. to trace the processes for a while); awaited at the end. */
    midway?: () => Promise<void>;
    counter?: () => Promise<number>;
  },
): Promise<RelayResult> {
  const clients: RawWs[] = [];
  const latencies: number[] = [];
  let counting = false;
  let stopped = false;
  let count = 0;
  const t0 = process.hrtime.bigint();
  const nowUs = () => Number((process.hrtime.bigint() - t0) / 1000n);
  for (let p = 0; p < opts.pairs; p++) {
    const room = `bench-${p}-${Math.random().toString(36).slice(2, 8)}`;
    const a = await endpoint.open(2 * p, room);
    const b = await endpoint.open(2 * p + 1, room);
    clients.push(a.ws, b.ws);
    const send = () => a.ws.send(a.frame(b.id, String(nowUs())));
    b.ws.onText((text, freshFrom) => {
      const now = nowUs();
      STAMP.lastIndex = 0;
      for (let m = STAMP.exec(text); m; m = STAMP.exec(text)) {
        if (STAMP.lastIndex <= freshFrom) continue;
        if (counting) {
          count++;
          latencies.push((now - Number(m[1])) / 1000);
        }
        if (!stopped) send();
      }
    });
    for (let i = 0; i < opts.window; i++) send();
  }
  await new Promise((r) => setTimeout(r, 1000));
  const cpu0 = await cpuSeconds(opts.serverPids);
  const side0 = await cpuSeconds(opts.sidePids ?? []);
  const counted0 = await opts.counter?.();
  const io0 = await syscalls(opts.serverPids);
  const named = [
    ...opts.serverPids.map((pid, i) => ({
      pid,
      name: opts.serverPids.length > 1 ? `server ${i + 1}` : "server",
    })),
    ...(opts.sidePids ?? []).map((pid, i) => ({ pid, name: `side ${i + 1}` })),
    { pid: process.pid, name: "generator" },
  ];
  const per0 = await Promise.all(named.map((p) => processCounters(p.pid)));
  const gen0 = process.cpuUsage();
  counting = true;
  const start = process.hrtime.bigint();
  let midway: Promise<void> | undefined;
  const midTimer = setTimeout(
    () => {
      midway = opts.midway?.();
    },
    (opts.seconds * 1000) / 2,
  );
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  clearTimeout(midTimer);
  counting = false;
  stopped = true;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const gen = process.cpuUsage(gen0);
  const per1 = await Promise.all(named.map((p) => processCounters(p.pid)));
  const serverCpuSeconds = (await cpuSeconds(opts.serverPids)) - cpu0;
  const io1 = await syscalls(opts.serverPids);
  const sideCpuSeconds = (await cpuSeconds(opts.sidePids ?? [])) - side0;
  const counted = counted0 === undefined ? undefined : (await opts.counter!()) - counted0;
  await midway;
  const sorted = Float64Array.from(latencies).sort();
  for (const ws of clients) ws.close();
  return {
    messages: count,
    seconds,
    perSecond: count / seconds,
    serverCpuSeconds,
    perServerCpuSecond: count / Math.max(0.01, serverCpuSeconds),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    loadAvg: loadavg()[0] ?? 0,
    readsPerMessage: (io1.reads - io0.reads) / count,
    writesPerMessage: (io1.writes - io0.writes) / count,
    generatorCores: (gen.user + gen.system) / 1e6 / seconds,
    ...(opts.sidePids === undefined ? {} : { sideCpuSeconds }),
    ...(counted === undefined ? {} : { counted }),
    processes: named.map((p, i) => figures(p.name, per0[i], per1[i], count)),
  };
}
