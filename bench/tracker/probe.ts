/**
 * Where a tracker's CPU goes under the UDP benchmark load: one target is filled as in run.ts, then loaded for
 * `--seconds` while the probe reads the CPU time of each of its threads (/proc/<pid>/task) and, when `perf` can
 * count tracepoints here, its datagram system calls — so "datagrams per recvmmsg/sendmmsg/wake-up" is a count,
 * not a guess.
 *
 *   flock /tmp/sb-bench.lock node --conditions=source --import tsx bench/tracker/probe.ts \
 *     --target switchboard|opentracker|before:<git-rev> [--seconds 6] [--fill-seconds 20] [--record <file>]
 *
 * `--record <file>` also runs `perf record -g` on the target over the same window (read it with `perf report -i`).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runUdpLoad } from "./load-udp.js";
import { Latencies } from "./measure.js";
import { onPath } from "./prerequisites.js";
import { startOpentracker, startSwitchboard, startSwitchboardAt, type RunningTarget } from "./targets.js";

const { values } = parseArgs({
  options: {
    target: { type: "string", default: "switchboard" },
    seconds: { type: "string", default: "6" },
    "fill-seconds": { type: "string", default: "20" },
    "udp-sockets": { type: "string", default: "8" },
    "udp-window": { type: "string", default: "32" },
    record: { type: "string" },
  },
});

const SYSCALLS = [
  "recvmmsg",
  "sendmmsg",
  "recvfrom",
  "sendto",
  "recvmsg",
  "sendmsg",
  "epoll_wait",
  "epoll_pwait",
];

/** CPU seconds (user, system) of each thread, keyed "tid name". */
function threadCpu(pid: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(`${tid} ${name}`, [Number(f[11]) / 100, Number(f[12]) / 100]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** Context switches of all of `pid`'s threads so far: [voluntary (it slept), involuntary (it was preempted)]. */
function contextSwitches(pid: number): [number, number] {
  let voluntary = 0;
  let involuntary = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
      voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // the thread ended meanwhile
    }
  }
  return [voluntary, involuntary];
}

/** `perf record -g` of `pid` for `seconds` into `file`; false when perf could not. */
function recordProfile(pid: number, seconds: number, file: string): Promise<boolean> {
  const child = spawn(
    "perf",
    ["record", "-g", "-o", file, "-p", String(pid), "--", "sleep", String(seconds)],
    { stdio: ["ignore", "ignore", "ignore"] },
  );
  return new Promise((resolve) => {
    child.on("error", () => resolve(false));
    child.on("exit", (code) => resolve(code === 0));
  });
}

/** Counts the datagram system calls of `pid` for `seconds` with perf; undefined when perf cannot. */
function countSyscalls(pid: number, seconds: number): Promise<Map<string, number> | undefined> {
  if (onPath("perf") === undefined) return Promise.resolve(undefined);
  const events = SYSCALLS.map((s) => `syscalls:sys_enter_${s}`).join(",");
  const child = spawn(
    "perf",
    ["stat", "-x", ",", "-e", events, "-p", String(pid), "--", "sleep", String(seconds)],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let text = "";
  child.stderr.on("data", (d: Buffer) => (text += d.toString()));
  return new Promise((resolve) => {
    child.on("error", () => resolve(undefined));
    child.on("exit", (code) => {
      if (code !== 0) return resolve(undefined);
      const counts = new Map<string, number>();
      for (const line of text.split("\n")) {
        const [value, , event] = line.split(",");
        const name = event?.replace("syscalls:sys_enter_", "");
        if (name !== undefined && SYSCALLS.includes(name)) counts.set(name, Number(value) || 0);
      }
      resolve(counts);
    });
  });
}

const spec = String(values.target);
const target: RunningTarget =
  spec === "opentracker"
    ? await startOpentracker()
    : spec.startsWith("before:")
      ? await startSwitchboardAt(spec.slice("before:".length))
      : await startSwitchboard();
try {
  let k = 0;
  const load = (seconds: number): ReturnType<typeof runUdpLoad> =>
    runUdpLoad({
      port: target.udpPort,
      sockets: Number(values["udp-sockets"]),
      window: Number(values["udp-window"]),
      seconds,
      next: () => k++,
      latencies: new Latencies(),
    });
  const fill = await load(Number(values["fill-seconds"]));
  console.log(`fill: ${fill.requests} announces`);
  const seconds = Number(values.seconds);
  const cpu0 = threadCpu(target.pid);
  const switches0 = contextSwitches(target.pid);
  // The load's last second (its stragglers) falls outside the count.
  const window = Math.max(1, seconds - 1);
  const record = values.record;
  const [r, calls, recorded] = await Promise.all([
    load(seconds),
    countSyscalls(target.pid, window),
    record === undefined ? Promise.resolve(undefined) : recordProfile(target.pid, window, record),
  ]);
  const cpu1 = threadCpu(target.pid);
  const switches1 = contextSwitches(target.pid);
  let total = 0;
  const rows: [string, number, number][] = [];
  for (const [key, [user1, system1]] of cpu1) {
    const [user0, system0] = cpu0.get(key) ?? [0, 0];
    const used = user1 - user0 + system1 - system0;
    total += used;
    if (used > 0) rows.push([key, used, system1 - system0]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  console.log(`${target.name}: ${r.requests} announces in ${r.seconds.toFixed(1)} s (${r.errors} errors)`);
  console.log(
    `  ${Math.round(r.requests / r.seconds)} announces/s, ${Math.round(r.requests / total)} per CPU-second`,
  );
  for (const [key, used, system] of rows)
    console.log(
      `  thread ${key}: ${used.toFixed(2)} s (${((used / total) * 100).toFixed(1)} %; system ${((system / used) * 100).toFixed(0)} %)`,
    );
  const slept = switches1[0] - switches0[0];
  console.log(
    `  context switches: ${slept} voluntary (${(r.requests / Math.max(1, slept)).toFixed(2)} announces per sleep), ${switches1[1] - switches0[1]} involuntary`,
  );
  if (calls === undefined) console.log("  (perf could not count system calls here)");
  else {
    // Calls are counted over seconds - 1; scale the announces to that window.
    const announces = (r.requests * Math.max(1, seconds - 1)) / r.seconds;
    for (const [name, n] of calls)
      if (n > 0) console.log(`  ${name}: ${n} calls, ${(announces / n).toFixed(2)} announces per call`);
  }
  if (recorded !== undefined)
    console.log(recorded ? `  perf record: ${String(record)}` : "  (perf record failed here)");
} finally {
  await target.stop();
}
