// Child processes that print JSON lines ({"event": …}): the built `switchboard` command and the test-only rogue peer.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI_MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const ROGUE = fileURLToPath(new URL("./rogue-peer.ts", import.meta.url));

export interface JsonEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

export interface Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: JsonEvent[];
  stderr(): string;
  waitFor(match: (e: JsonEvent) => boolean, what: string, timeoutMs?: number): Promise<JsonEvent>;
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function track(child: ChildProcessWithoutNullStreams): Proc {
  const events: JsonEvent[] = [];
  let partial = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("{")) events.push(JSON.parse(line) as JsonEvent);
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (c) => {
      code = c;
      resolve(c);
    }),
  );
  return {
    child,
    events,
    stderr: () => err,
    async waitFor(match, what, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (code !== undefined) throw new Error(`exited (${code}) before ${what}:\n${err.slice(-2000)}`);
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${err.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    exited,
    async stop(signal = "SIGTERM") {
      if (code !== undefined) return code;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const c = await exited;
      clearTimeout(timer);
      return c;
    },
  };
}

const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const k of [
    "MEETING_CODE",
    "SIGNALING_URL",
    "NODE_ID",
    "PEER_JSON",
    "UPLOAD_LIMIT",
    "SWITCHBOARD_ORIGIN",
  ])
    delete env[k];
  return env;
};

export function switchboard(args: readonly string[]): Proc {
  return track(
    spawn(process.execPath, [CLI_MAIN, ...args, "--json"], {
      env: cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    }),
  );
}

export function rogue(args: readonly string[], env: Readonly<Record<string, string>> = {}): Proc {
  return track(
    spawn(process.execPath, ["--conditions=source", "--import", "tsx", ROGUE, ...args], {
      env: { ...cleanEnv(), ...env },
      stdio: ["pipe", "pipe", "pipe"],
    }),
  );
}
