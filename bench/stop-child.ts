/** Stopping a benchmark's child process: SIGTERM, then SIGKILL when it is still running after `graceMs`. */
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";

export async function stopChild(proc: ChildProcess, graceMs = 5000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, "exit");
  proc.kill("SIGTERM");
  const t = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(t);
}
