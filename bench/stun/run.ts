/**
 * STUN benchmark: one run, six UDP servers on loopback, the same closed-loop load against each.
 *   node --conditions=source --import tsx bench/stun/run.ts [--rounds 7] [--seconds 3] [--sockets 16] [--window 16]
 *
 * The servers run without a loader: the STUN service from its build (`services/stun/dist/main.js`, built here
 * first with its packages), the echo server as plain JavaScript, so only their own code is measured.
 * Targets: a bare Node `dgram` echo server (the ceiling for any Node UDP server here), our STUN service with
 * one worker (in-process) and with its default worker count (one per CPU), coturn's turnserver (-S, STUN
 * only, default threads), a bare echo on the service's batched I/O, and the `stun` npm package's server (what a
 * Node user would install instead; one process, compared with our one worker). Rounds interleave the targets so machine noise hits them alike; medians are reported.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BELOW_EPHEMERAL, freePort } from "@switchboard/test-support";
import { treeCpuSeconds } from "./proc-cpu.js";
import { median } from "../median.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg("rounds", 7);
const SECONDS = arg("seconds", 3);
const SOCKETS = arg("sockets", 16);
const WINDOW = arg("window", 16);

interface Target {
  readonly name: string;
  readonly port: number;
  readonly mode: "stun" | "any";
  readonly child: ChildProcess;
}

/**
 * A port free for UDP now, from 20000-29999: the kernel's ephemeral range is where TURN servers (ours, coturn
 * in other benchmarks) take relay ports, so a port from there may be gone by the time a server binds it.
 */
const freeUdpPortBelowEphemeral = (): Promise<number> =>
  freePort({ protocol: "udp", range: BELOW_EPHEMERAL });

/** Resolves once the server answers a Binding request (or echoes it). */
async function ready(port: number, ms = 20_000): Promise<void> {
  const s = createSocket("udp4");
  const req = Buffer.from("000100002112a442000000000000000000000001", "hex");
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => s.send(req, port, "127.0.0.1"), 100);
      const deadline = setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`server on ${port} not answering`));
      }, ms);
      s.on("message", () => {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve();
      });
    });
  } finally {
    s.close();
  }
}

function start(
  name: string,
  mode: Target["mode"],
  port: number,
  cmd: string,
  args: string[],
  env = {},
): Target {
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { name, port, mode, child };
}

function loadgen(bin: string, t: Target): { rps: number; timeouts: number } {
  const out = execFileSync(
    bin,
    ["127.0.0.1", String(t.port), String(SECONDS), String(SOCKETS), String(WINDOW), t.mode],
    { encoding: "utf8", timeout: (SECONDS + 10) * 1000 },
  );
  return JSON.parse(out) as { rps: number; timeouts: number };
}

async function main(): Promise<void> {
  const bin = join(root, "bench/.peers/bin/stun-loadgen");
  mkdirSync(join(root, "bench/.peers/bin"), { recursive: true });
  execFileSync("cc", ["-O2", "-o", bin, join(root, "bench/stun/loadgen.c")], { stdio: "inherit" });
  const cpus = availableParallelism();
  const tmp = mkdtempSync(join(tmpdir(), "stun-bench-"));
  // Build the service and the packages it imports (their dist/ is what `node services/stun/dist/main.js` loads).
  execFileSync(process.execPath, ["packages/datagram/scripts/build-native.mjs"], {
    cwd: root,
    stdio: "inherit",
  });
  for (const project of ["packages/runtime", "packages/stun-codec", "packages/datagram", "services/stun"]) {
    execFileSync("npx", ["tsc", "-p", `${project}/tsconfig.build.json`], { cwd: root, stdio: "inherit" });
  }
  const stunEnv = (workers: string) => ({
    STUN_HOST: "127.0.0.1",
    STUN_ADMIN_PORT: "0",
    STUN_WORKERS: workers,
    // Every request comes from 127.0.0.1: the per-source guard (200/s by default) would measure itself.
    STUN_RATE_LIMIT_PER_SECOND: "0",
    STUN_RATE_LIMIT_BYTES_PER_SECOND: "0",
    LOG_LEVEL: "warn",
  });
  const targets: Target[] = [];
  try {
    const p: number[] = [];
    // dgram echo, 1 worker, default workers, coturn, native echo, stun npm
    while (p.length < 6) {
      const port = await freeUdpPortBelowEphemeral();
      if (!p.includes(port)) p.push(port);
    }
    targets.push(
      start("node dgram echo", "any", p[0], process.execPath, ["bench/stun/echo-server.mjs", String(p[0])]),
    );
    targets.push(
      start("switchboard stun, 1 worker", "stun", p[1], process.execPath, ["services/stun/dist/main.js"], {
        ...stunEnv("1"),
        STUN_PORT: String(p[1]),
      }),
    );
    targets.push(
      start(
        `switchboard stun, default (${cpus} workers)`,
        "stun",
        p[2],
        process.execPath,
        ["services/stun/dist/main.js"],
        {
          ...stunEnv("0"),
          STUN_PORT: String(p[2]),
        },
      ),
    );
    targets.push(
      start("coturn turnserver -S (default threads)", "stun", p[3], "turnserver", [
        "-n",
        "-S",
        "--listening-ip=127.0.0.1",
        `--listening-port=${p[3]}`,
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--no-stdout-log",
        `--log-file=${join(tmp, "turnserver.log")}`,
        `--pidfile=${join(tmp, "turnserver.pid")}`,
      ]),
    );
    targets.push(
      start("node native echo (batched I/O)", "any", p[4], process.execPath, [
        "bench/stun/native-echo-server.mjs",
        String(p[4]),
      ]),
    );
    targets.push(
      start("stun npm server (1 process)", "stun", p[5], process.execPath, [
        "bench/stun/stun-npm-server.mjs",
        String(p[5]),
      ]),
    );
    for (const t of targets) await ready(t.port);
    console.log(`${cpus} CPUs; ${ROUNDS} rounds × ${SECONDS} s; ${SOCKETS} sockets × ${WINDOW} in flight`);

    const samples = new Map<string, Array<{ rps: number; cpu: number; usPerReq: number; timeouts: number }>>(
      targets.map((t) => [t.name, []]),
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const t of targets) {
        const pid = t.child.pid ?? 0;
        const c0 = treeCpuSeconds(pid);
        const w0 = performance.now();
        const r = loadgen(bin, t);
        const wall = (performance.now() - w0) / 1000;
        const cpuSeconds = treeCpuSeconds(pid) - c0;
        // CPU per request is the figure least disturbed by other processes on a shared machine.
        const usPerReq = (cpuSeconds * 1e6) / Math.max(1, r.rps * (SECONDS + 0.5)); // warm-up included
        samples.get(t.name)?.push({ rps: r.rps, cpu: cpuSeconds / wall, usPerReq, timeouts: r.timeouts });
        console.log(
          `round ${round}  ${t.name.padEnd(40)} ${String(Math.round(r.rps)).padStart(8)} req/s  ` +
            `CPU ${((cpuSeconds / wall) * 100).toFixed(0).padStart(3)}%  ${usPerReq.toFixed(1)} µs/req  ` +
            `(lost+resent ${r.timeouts})`,
        );
      }
    }
    const rows = targets.map((t) => {
      const s = samples.get(t.name) ?? [];
      return {
        target: t.name,
        medianRps: Math.round(median(s.map((x) => x.rps))),
        serverCpuPercent: Math.round(median(s.map((x) => x.cpu)) * 100),
        cpuMicrosPerRequest: Number(median(s.map((x) => x.usPerReq)).toFixed(1)),
        rounds: s.map((x) => Math.round(x.rps)),
      };
    });
    const [echo, one, many, coturn, nativeEcho, stunNpm] = rows;
    const ratio = (a: number | undefined, b: number | undefined): number => (a ?? 0) / (b || 1);
    const ratios = {
      oneWorkerVsEcho: ratio(one?.medianRps, echo?.medianRps),
      // The same ceiling with the batched I/O the service uses: what its own code costs.
      oneWorkerVsNativeEcho: ratio(one?.medianRps, nativeEcho?.medianRps),
      defaultWorkersVsCoturn: ratio(many?.medianRps, coturn?.medianRps),
      // Throughput at saturation implied by CPU cost (inverse ratio of µs per request).
      oneWorkerVsEchoByCpu: ratio(echo?.cpuMicrosPerRequest, one?.cpuMicrosPerRequest),
      defaultWorkersVsCoturnByCpu: ratio(coturn?.cpuMicrosPerRequest, many?.cpuMicrosPerRequest),
      // One Node process each: our service with one worker against the stun package's server.
      oneWorkerVsStunNpm: ratio(one?.medianRps, stunNpm?.medianRps),
      oneWorkerVsStunNpmByCpu: ratio(stunNpm?.cpuMicrosPerRequest, one?.cpuMicrosPerRequest),
    };
    console.log(
      "\n| target | median req/s | server CPU | server CPU µs/request |\n| --- | --- | --- | --- |",
    );
    for (const r of rows) {
      console.log(`| ${r.target} | ${r.medianRps} | ${r.serverCpuPercent}% | ${r.cpuMicrosPerRequest} |`);
    }
    console.log(
      `\none worker / bare echo: ${ratios.oneWorkerVsEcho.toFixed(2)} by req/s, ` +
        `${ratios.oneWorkerVsEchoByCpu.toFixed(2)} by CPU per request (target ≥ 0.90)` +
        `\none worker / bare echo on the same batched I/O: ${ratios.oneWorkerVsNativeEcho.toFixed(2)} by req/s` +
        `\ndefault workers / coturn: ${ratios.defaultWorkersVsCoturn.toFixed(2)} by req/s, ` +
        `${ratios.defaultWorkersVsCoturnByCpu.toFixed(2)} by CPU per request (target ≥ 0.80)` +
        `\none worker / stun npm server: ${ratios.oneWorkerVsStunNpm.toFixed(2)} by req/s, ` +
        `${ratios.oneWorkerVsStunNpmByCpu.toFixed(2)} by CPU per request` +
        `\nload average at the end: ${loadavg()
          .map((x) => x.toFixed(1))
          .join(" ")}`,
    );
    mkdirSync(join(root, "bench/results"), { recursive: true });
    const file = join(root, "bench/results", `stun-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { cpus, rounds: ROUNDS, seconds: SECONDS, sockets: SOCKETS, window: WINDOW, rows, ratios },
        null,
        2,
      ),
    );
    console.log(`results: ${file}`);
  } finally {
    for (const t of targets) t.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const t of targets) if (t.child.exitCode === null) t.child.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
