/**
 * Runs a command inside a network namespace with only `lo` up (created and deleted here; needs root and
 * iproute2), so a browser or server inside sees loopback candidates only.
 */
import { execFileSync, spawn } from "node:child_process";

export interface NamespaceRunOptions {
  /** Namespace name prefix; the process id is appended. */
  readonly prefix: string;
  /** Command and its arguments (see {@link tsxCommand}). */
  readonly command: readonly [string, ...string[]];
  /** Environment of the command (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** The command is killed (SIGKILL) after this long (default 100 s). */
  readonly killAfterMs?: number;
}

export interface NamespaceRunResult {
  /** Exit code, null when killed. */
  readonly code: number | null;
  /** stdout and stderr interleaved. */
  readonly output: string;
}

/** Node running a TypeScript file from the sources (tsx, `source` export condition). */
export function tsxCommand(script: string): [string, ...string[]] {
  return [process.execPath, "--conditions=source", "--import", "tsx", script];
}

/** Runs `command` in a fresh loopback-only namespace, waits for it to end, deletes the namespace. */
export async function runInLoopbackNamespace(opts: NamespaceRunOptions): Promise<NamespaceRunResult> {
  const ns = `${opts.prefix}${process.pid}`;
  execFileSync("ip", ["netns", "add", ns]);
  try {
    execFileSync("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
    const child = spawn("ip", ["netns", "exec", ns, ...opts.command], {
      stdio: ["ignore", "pipe", "pipe"],
      env: opts.env ?? process.env,
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs ?? 100_000);
    const code = await new Promise<number | null>((r) => child.on("close", r));
    clearTimeout(timer);
    return { code, output };
  } finally {
    execFileSync("ip", ["netns", "delete", ns]);
  }
}

/** What follows `RESULT ` on the first such line of a runner's output (its JSON), or undefined. */
export function resultLine(output: string): string | undefined {
  return /^RESULT (.*)$/m.exec(output)?.[1];
}
