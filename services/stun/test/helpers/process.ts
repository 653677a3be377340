/** Runs the service's main.ts as a child process (through tsx) and reads its JSON log lines. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { within } from "./server.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const main = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly lines: Array<Record<string, unknown>>;
  stderr(): string;
  /** The first log line with this `msg`, waiting up to `ms`. */
  line(msg: string, ms?: number): Promise<Record<string, unknown>>;
  /** Exit code (or signal name) once it exits, waiting up to `ms`. */
  exited(ms?: number): Promise<number | string>;
  kill(): void;
}

export function spawnService(env: Record<string, string>, args: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", main, ...args], {
    cwd: root,
    env: { PATH: process.env["PATH"] ?? "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Array<Record<string, unknown>> = [];
  let err = "";
  let partial = "";
  const waiters = new Set<() => void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    for (const w of waiters) w();
  });
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    lines,
    stderr: () => err,
    async line(msg, ms = 20_000) {
      const find = (): Record<string, unknown> | undefined => lines.find((l) => l["msg"] === msg);
      return within(
        new Promise((resolve, reject) => {
          const check = (): void => {
            const l = find();
            if (l) {
              waiters.delete(check);
              resolve(l);
            }
          };
          waiters.add(check);
          check();
          void exit.then(() => reject(new Error(`exited before "${msg}": ${err}`)));
        }),
        ms,
        `log line "${msg}"`,
      );
    },
    exited: (ms = 15_000) => within(exit, ms, "process exit"),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
