/**
 * Starts one built service as deployed (its `dist/main.js`, with the node flags compose passes its image, NODE_FLAGS),
 * counting its log lines by level.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { stopChild } from "../stop-child.js";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { deployedAllocatorEnv, deployedNodeFlags } from "../deployed-node-flags.js";

export const ROOT = new URL("../..", import.meta.url).pathname;

export interface RunningService {
  readonly proc: ChildProcess;
  /** Log lines by pino level name (warn, error, fatal), and the distinct messages seen at each. */
  readonly logs: Map<string, Map<string, number>>;
  stop(): Promise<void>;
}

const LEVELS: Record<number, string> = { 40: "warn", 50: "error", 60: "fatal" };

export function startService(name: string, env: Record<string, string>): RunningService {
  const flags = deployedNodeFlags(join(ROOT, "services", name));
  const proc = spawn(process.execPath, [...flags, `services/${name}/dist/main.js`], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...deployedAllocatorEnv(join(ROOT, "services", name)),
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs = new Map<string, Map<string, number>>();
  const count = (level: string, msg: string): void => {
    let byMsg = logs.get(level);
    if (!byMsg) logs.set(level, (byMsg = new Map<string, number>()));
    byMsg.set(msg, (byMsg.get(msg) ?? 0) + 1);
  };
  for (const stream of [proc.stdout, proc.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      try {
        const rec = JSON.parse(line) as { level?: number; msg?: string };
        const level = LEVELS[rec.level ?? 0];
        if (level) count(level, String(rec.msg ?? ""));
      } catch {
        count("unstructured", line.slice(0, 120));
      }
    });
  }
  return {
    proc,
    logs,
    stop: () => stopChild(proc),
  };
}

/** Polls `url` until it answers 200 (deadline 30 s). */
export async function waitHealthy(url: string): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${url} never healthy`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
