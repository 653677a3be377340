// Child processes the signaling benchmark starts: our service, redis-server, the PeerJS server.
import { spawn, type ChildProcess } from "node:child_process";
import { stopChild } from "../stop-child.js";
import { connect } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@switchboard/test-support";

export const ROOT = new URL("../..", import.meta.url).pathname;

async function waitForPort(port: number, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`port ${port} never opened`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Child {
  readonly proc: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

function child(cmd: string, args: string[], env: Record<string, string>, port: number): Child {
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return {
    proc,
    port,
    stop: () => stopChild(proc),
  };
}

/** How to run our service: extra node options (e.g. `--cpu-prof`, which NODE_OPTIONS refuses) and its entry. */
export interface SignalingRun {
  readonly nodeArgs?: readonly string[];
  /** Default: the built `services/signaling/dist/main.js` (run.sh builds it first); another build to compare. */
  readonly main?: string;
}

/** Our signaling service as deployed, from its build. */
export async function startSignaling(
  env: Record<string, string> = {},
  run: SignalingRun = {},
): Promise<Child> {
  const port = await freePort();
  const c = child(
    process.execPath,
    [...(run.nodeArgs ?? []), run.main ?? "services/signaling/dist/main.js"],
    {
      SIGNALING_HOST: "127.0.0.1",
      SIGNALING_PORT: String(port),
      LOG_LEVEL: "warn",
      SIGNALING_AUTO_CREATE_ROOMS: "true",
      SIGNALING_RATE_LIMIT: "1000000",
      SIGNALING_RATE_BURST: "1000000",
      SIGNALING_IDLE_TIMEOUT_MS: "600000",
      SIGNALING_HELLO_TIMEOUT_MS: "600000",
      ...env,
    },
    port,
  );
  await waitForPort(port);
  return c;
}

/** redis-server without persistence, on a free port or on `port` (e.g. to start it again empty). */
export async function startRedis(port?: number): Promise<Child> {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), "sb-bench-redis-"));
  const c = child(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    {},
    port,
  );
  await waitForPort(port);
  return c;
}

/** The PeerJS server (npm `peer`, installed by setup-peers.sh), with its defaults except the connection cap. */
export async function startPeerJs(): Promise<Child> {
  const port = await freePort();
  const bin = join(ROOT, "bench/.peers/node_modules/peer/dist/bin/peerjs.js");
  const c = child(
    process.execPath,
    [bin, "--port", String(port), "--host", "127.0.0.1", "--concurrent_limit", "100000"],
    {},
    port,
  );
  await waitForPort(port);
  return c;
}

/** Resident set size of a process, bytes (Linux). */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}
