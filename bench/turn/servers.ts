/**
 * Starts the servers under test on loopback with the same credentials and peer rules: ours and coturn with the
 * REST shared secret, node-turn with the same usernames and passwords as static long-term accounts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@switchboard/test-support";

export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** Extra facts printed with the results. */
  readonly note: string;
  /** Our server's admin base URL (metrics); undefined for coturn. */
  readonly adminUrl?: string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server not ready: ${out.slice(-2000)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.length > 100_000) out = out.slice(-10_000);
      if (pattern.test(out)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited ${code}: ${out.slice(-2000)}`)));
  });
}

function stopper(child: ChildProcess, cleanup: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    }
    cleanup();
  };
}

/**
 * Settings the packet-rate benchmark (run.ts) lifts for its hundreds of allocations from one user; pass `{}` to
 * run the server on its defaults (webrtc-transfer.ts).
 */
export const LOAD_TEST_ENV: Readonly<Record<string, string>> = {
  TURN_ALLOCATION_BPS: "0",
  TURN_USER_QUOTA: "100000",
  TURN_MAX_ALLOCATIONS: "100000",
  // Every client is 127.0.0.1: the per-source reflection budgets would throttle the 401s of set-up.
  TURN_UNAUTH_RATE: "0",
  TURN_UNAUTH_BYTES_RATE: "0",
};

export async function startSwitchboard(
  secret: string,
  minPort: number,
  maxPort: number,
  overrides: Readonly<Record<string, string>> = LOAD_TEST_ENV,
): Promise<RunningServer> {
  const port = await freePort();
  const adminPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.TURN_BENCH_PROFILE
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.TURN_BENCH_PROFILE}`]
        : []),
      ...["--conditions=source", "--import", "tsx", join(ROOT, "services/turn/src/main.ts")],
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "",
        TURN_HOST: "127.0.0.1",
        TURN_PORT: String(port),
        TURN_SECRET: secret,
        TURN_REALM: "bench",
        TURN_ALLOWED_PEER_IPS: "127.0.0.1",
        TURN_MIN_PORT: String(minPort),
        TURN_MAX_PORT: String(maxPort),
        ...overrides,
        TURN_ADMIN_PORT: String(adminPort),
        LOG_LEVEL: "info",
      },
    },
  );
  await waitFor(child, /turn server listening/);
  return {
    name: "switchboard",
    pid: child.pid ?? 0,
    port,
    note: "one Node.js process (single event loop; batched UDP I/O through @switchboard/datagram where built)",
    adminUrl: `http://127.0.0.1:${adminPort}`,
    stop: stopper(child, () => {}),
  };
}

export async function startCoturn(secret: string, minPort: number, maxPort: number): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "bench-coturn-"));
  const child = spawn(
    "turnserver",
    [
      "-n",
      "--listening-ip=127.0.0.1",
      `--listening-port=${port}`,
      "--relay-ip=127.0.0.1",
      `--min-port=${minPort}`,
      `--max-port=${maxPort}`,
      "--use-auth-secret",
      `--static-auth-secret=${secret}`,
      "--realm=bench",
      "--allowed-peer-ip=127.0.0.1",
      "--allow-loopback-peers",
      "--no-tls",
      "--no-dtls",
      "--no-cli",
      "--no-tcp-relay",
      `--db=${join(dir, "turndb")}`,
      `--pidfile=${join(dir, "turnserver.pid")}`,
      "--log-file=stdout",
      "--simple-log",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await waitFor(child, /Total (General|UDP) servers|SQLite DB connection success/);
  await new Promise((r) => setTimeout(r, 500));
  return {
    name: "coturn",
    pid: child.pid ?? 0,
    port,
    note: "turnserver with its default relay threads (one per CPU)",
    stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}

/** node-turn (npm) in its own process (bench/turn/node-turn-server.mjs), UDP only, with these accounts. */
export async function startNodeTurn(
  credentials: Readonly<Record<string, string>>,
  minPort: number,
  maxPort: number,
): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "bench/turn/node-turn-server.mjs")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      NODE_TURN_PORT: String(port),
      NODE_TURN_MIN_PORT: String(minPort),
      NODE_TURN_MAX_PORT: String(maxPort),
      NODE_TURN_CREDENTIALS: JSON.stringify(credentials),
      NODE_TURN_DEBUG: process.env.NODE_TURN_DEBUG ?? "",
    },
  });
  await waitFor(child, /Server is listening/);
  if (process.env.NODE_TURN_DEBUG) child.stdout?.pipe(process.stderr);
  return {
    name: "node-turn",
    pid: child.pid ?? 0,
    port,
    note: "node-turn 0.0.6 (npm): one Node.js process, dgram sockets, static long-term accounts",
    stop: stopper(child, () => {}),
  };
}
