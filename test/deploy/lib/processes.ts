// Child processes for the deploy tests: start with captured output, wait for /health, stop for sure.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

/** A server a test started: a local process or a container (lib/containers.ts). */
export interface Running {
  readonly name: string;
  /** Everything it printed so far. */
  output(): string;
  /** False once it has exited. */
  running(): boolean;
  /** Stops it; resolves when it is gone. */
  stop(): Promise<void>;
}

export interface Proc extends Running {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startProc(name: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}): Proc {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const proc: Proc = {
    name,
    child,
    output: () => out,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    stop: () => stopProc(proc),
  };
  return proc;
}

/** Stops a process: SIGTERM, then SIGKILL after `graceMs`; a container by its own `stop`. Resolves when it is gone. */
export async function stopProc(p: Proc | Running, graceMs = 5000): Promise<void> {
  if (!("child" in p)) return p.stop();
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers `status` (200 by default); fails after `timeoutMs` or when `proc` exits. */
export async function waitForHttp(
  url: string,
  opts: { timeoutMs?: number; status?: number; proc?: Running } = {},
): Promise<Response> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last = "no answer";
  while (Date.now() < deadline) {
    if (opts.proc && !opts.proc.running()) {
      throw new Error(`${opts.proc.name} exited before ${url} answered:\n${opts.proc.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: "manual" });
      if (res.status === (opts.status ?? 200)) return res;
      last = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${url} did not answer ${opts.status ?? 200} in time (last: ${last})${opts.proc ? `\n${opts.proc.output()}` : ""}`,
  );
}

/** Resolves when `check` returns true (polled), rejects after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
