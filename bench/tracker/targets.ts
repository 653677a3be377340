/** The trackers under test, each started as its own process on free loopback ports and stopped afterwards. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@switchboard/test-support";
import { deployedAllocatorEnv, deployedNodeFlags } from "../deployed-node-flags.js";
import { collectGarbage, INSPECT_FLAG, inspectorUrl } from "./inspector-gc.js";
import { hexList } from "./population.js";

export interface RunningTarget {
  name: string;
  pid: number;
  httpPort: number;
  udpPort: number;
  /** Keeps HTTP connections open between requests. */
  keepAlive: boolean;
  /** Extra figures from the target (our /stats). */
  stats?: () => Promise<Record<string, unknown>>;
  /** Bytes V8 has committed for its heap (our /metrics, `nodejs_heap_size_total_bytes`). */
  v8HeapBytes?: () => Promise<number>;
  /** Full garbage collections over the inspector (targets started with it only: `inspect` below). */
  collectGarbage?: () => Promise<void>;
  stop(): Promise<void>;
}

const root = new URL("../../", import.meta.url).pathname;

async function waitForHttp(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/scrape`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("did not start listening");
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
}

/** How to start one of our trackers. */
export interface StartOptions {
  /** Open the inspector (loopback, free port) so that `collectGarbage` can force full GCs before memory readings. */
  inspect?: boolean;
}

export async function startSwitchboard(options: StartOptions = {}): Promise<RunningTarget> {
  return startSwitchboardFrom(join(root, "services/tracker"), "switchboard", options);
}

/**
 * Our tracker as of git revision `rev`: its `services/tracker` exported into bench/.before/<commit> (git-ignored),
 * run against this checkout's packages and node_modules (only the tracker's own code is the before-state).
 */
export async function startSwitchboardAt(rev: string, options: StartOptions = {}): Promise<RunningTarget> {
  return startSwitchboardFrom(join(exportRevision(rev), "services/tracker"), "switchboard-before", options);
}

/**
 * `services/tracker` as of git revision `rev`, exported once into bench/.before/<commit>; returns that directory.
 * `BENCH_BEFORE_PACKAGES="datagram"` exports that revision's `packages/datagram` beside it (its addon built there)
 * and makes the exported tracker load it: an A/B of the batched-UDP layer, which is otherwise this checkout's on
 * both sides.
 */
export function exportRevision(rev: string, packages = beforePackages()): string {
  const commit = execFileSync("git", ["rev-parse", "--verify", `${rev}^{commit}`], { cwd: root })
    .toString()
    .trim();
  const dir = join(root, "bench/.before", packages.length === 0 ? commit : `${commit}+${packages.join("+")}`);
  const paths = ["services/tracker", "docker-compose.yml", ...packages.map((p) => `packages/${p}`)];
  // docker-compose.yml too: the before-state runs with the node flags deployed at that revision.
  if (!existsSync(join(dir, ".exported"))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync("git", ["archive", commit, ...paths], { cwd: root, maxBuffer: 1 << 28 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
    for (const p of packages) {
      // Found before this checkout's copy by the exported tracker's module resolution (bench/.before/<dir>/…).
      const scope = join(dir, "node_modules/@switchboard");
      mkdirSync(scope, { recursive: true });
      symlinkSync(join(dir, "packages", p), join(scope, p));
      const build = join(dir, "packages", p, "scripts/build-native.mjs");
      if (existsSync(build)) execFileSync(process.execPath, [build], { stdio: "ignore" });
    }
    // The tracker's own addon (its C store and UDP path), where that revision has one. Its build reads the datagram
    // package's handler header and header search from beside it: this checkout's, unless that package was exported.
    const trackerBuild = join(dir, "services/tracker/scripts/build-native.mjs");
    if (existsSync(trackerBuild)) {
      const datagram = join(dir, "packages/datagram");
      for (const part of ["src/native", "scripts"])
        if (!existsSync(join(datagram, part)))
          cpSync(join(root, "packages/datagram", part), join(datagram, part), { recursive: true });
      execFileSync(process.execPath, [trackerBuild], { stdio: "ignore" });
    }
    writeFileSync(join(dir, ".exported"), `${paths.join("\n")}\n`);
  }
  return dir;
}

/** Packages besides the tracker that the before-state takes from its revision (`BENCH_BEFORE_PACKAGES`). */
function beforePackages(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = (env.BENCH_BEFORE_PACKAGES ?? "").split(/[\s,]+/).filter((p) => p !== "");
  for (const p of names)
    if (p !== "datagram") throw new Error(`BENCH_BEFORE_PACKAGES takes "datagram" only, not ${p}`);
  return names;
}

/**
 * Extra environment for one of our targets, from `BENCH_TRACKER_ENV="NAME=value …"` (both of ours) or
 * `BENCH_BEFORE_ENV` (the before-state alone; set, even empty, it replaces the former for it): an A/B of allocator
 * settings such as `GLIBC_TUNABLES` or `MALLOC_ARENA_MAX` in one run. Given over the allocator settings the
 * revision's docker-compose.yml deploys (`GLIBC_TUNABLES=` with no value turns those off).
 */
export function benchEnv(name: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const spec =
    (name === "switchboard-before" ? env.BENCH_BEFORE_ENV : undefined) ?? env.BENCH_TRACKER_ENV ?? "";
  const out: Record<string, string> = {};
  for (const pair of spec.split(" ").filter((p) => p !== "")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`BENCH_TRACKER_ENV / BENCH_BEFORE_ENV take NAME=value pairs, not ${pair}`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

async function startSwitchboardFrom(
  serviceDir: string,
  name: string,
  options: StartOptions,
): Promise<RunningTarget> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(options.inspect ? [INSPECT_FLAG] : []),
      // BENCH_CPU_PROF=<dir>: V8 CPU profiles of our tracker, written when it stops.
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      // As deployed (the NODE_FLAGS compose passes its image); BENCH_TRACKER_NODE_FLAGS="…" replaces them for
      // both of our targets, BENCH_BEFORE_NODE_FLAGS="…" for the before-state alone (A/B of a flag in one run).
      ...(
        (name === "switchboard-before" ? process.env.BENCH_BEFORE_NODE_FLAGS : undefined) ??
        process.env.BENCH_TRACKER_NODE_FLAGS ??
        deployedNodeFlags(serviceDir).join(" ")
      )
        .split(" ")
        .filter((f) => f !== ""),
      "--conditions=source",
      "--import",
      "tsx",
      join(serviceDir, "src/main.ts"),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        TRACKER_HOST: "127.0.0.1",
        TRACKER_PORT: String(port),
        TRACKER_UDP_PORT: String(port),
        TRACKER_RATE_LIMIT: "0",
        TRACKER_SWEEP_INTERVAL: "3600",
        LOG_LEVEL: "warn",
        // As deployed (the tracker's compose environment), unless the bench's own variables say otherwise.
        ...deployedAllocatorEnv(serviceDir),
        ...benchEnv(name),
      },
      // With the inspector, stderr is read for its URL (and everything else passed on).
      stdio: ["ignore", "ignore", options.inspect ? "pipe" : "inherit"],
    },
  );
  const url = options.inspect && child.stderr ? inspectorUrl(child.stderr) : undefined;
  // Handled here, awaited below: a process that dies before announcing its URL fails in waitForHttp first.
  url?.catch(() => undefined);
  await waitForHttp(port, child);
  const inspector = url ? await url : undefined;
  return {
    name,
    pid: child.pid ?? 0,
    httpPort: port,
    udpPort: port,
    keepAlive: true,
    stats: async () =>
      (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as Record<string, unknown>,
    v8HeapBytes: async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return Number(/^nodejs_heap_size_total_bytes (\S+)/m.exec(text)?.[1] ?? NaN);
    },
    ...(inspector ? { collectGarbage: () => collectGarbage(inspector) } : {}),
    stop: stopper(child),
  };
}

export async function startOpentracker(): Promise<RunningTarget> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "bench-opentracker-"));
  // opentracker drops to "nobody" after chrooting into the directory: it must be readable by others.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "whitelist"), hexList(), { mode: 0o644 });
  // opentracker chroots into -d before reading the list: the path is relative to that root.
  writeFileSync(join(dir, "opentracker.conf"), "access.whitelist /whitelist\n");
  const child = spawn(
    "opentracker",
    [
      "-i",
      "127.0.0.1",
      "-p",
      String(port),
      "-P",
      String(port),
      "-f",
      join(dir, "opentracker.conf"),
      "-d",
      dir,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  await waitForHttp(port, child);
  return {
    name: "opentracker",
    pid: child.pid ?? 0,
    httpPort: port,
    udpPort: port,
    keepAlive: false,
    stop: stopper(child),
  };
}

export async function startBittorrentTracker(): Promise<RunningTarget> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(root, "bench/tracker/bittorrent-tracker-server.mjs"), String(port)],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  await waitForHttp(port, child);
  return {
    name: "bittorrent-tracker",
    pid: child.pid ?? 0,
    httpPort: port,
    udpPort: port,
    keepAlive: true,
    stop: stopper(child),
  };
}
