// `switchboard peer` as a child process (from the build), its --json events parsed as they come.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

export interface PeerEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

export interface PeerProcess {
  readonly name: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Every event printed so far (JSON mode), in order. */
  readonly events: PeerEvent[];
  stdout(): string;
  stderr(): string;
  /** The first event (already printed or to come) that `match` accepts. */
  waitFor(what: string, match: (e: PeerEvent) => boolean, timeoutMs?: number): Promise<PeerEvent>;
  /** Writes one line to the peer's stdin. */
  send(line: string): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function spawnPeer(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): PeerProcess {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const k of [
    "MEETING_CODE",
    "SIGNALING_URL",
    "NODE_ID",
    "STUN_SERVERS",
    "DEBUG",
    "PEER_JSON",
    "PEER_RELAY",
    "DISCOVERY",
    "TRACKER_URLS",
    "DHT_BOOTSTRAP",
  ])
    delete base[k];
  const child = spawn(process.execPath, [CLI_MAIN, "peer", ...args], {
    env: { ...base, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const events: PeerEvent[] = [];
  let out = "";
  let err = "";
  let partial = "";
  const waiters = new Set<() => void>();
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    partial += d.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      try {
        events.push(JSON.parse(line) as PeerEvent);
      } catch {
        /* human output */
      }
    }
    for (const w of waiters) w();
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    }),
  );
  const peer: PeerProcess = {
    name,
    child,
    events,
    stdout: () => out,
    stderr: () => err,
    waitFor(what, match, timeoutMs = 45_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.find(match);
          if (found) done(() => resolve(found));
          else if (child.exitCode !== null || child.signalCode !== null)
            done(() => reject(new Error(`${name} exited before ${what}:\n${out}\n${err}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${name}: timed out waiting for ${what}:\n${out}\n${err}`))),
          timeoutMs,
        );
        const done = (fn: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      });
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        const { code } = await exited;
        clearTimeout(timer);
        return code;
      }
      return child.exitCode;
    },
  };
  return peer;
}

/** Runs `switchboard peer` to its end (for configurations that must fail at once). */
export async function runPeerToEnd(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnPeer("peer", args, env);
  const timer = setTimeout(() => p.child.kill("SIGKILL"), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
