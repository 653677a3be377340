/** Helpers to run coturn's turnutils_peer (UDP echo peer) and turnutils_uclient against our server. */
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { freeUdpPort } from "@switchboard/test-support";

/** Starts turnutils_peer on 127.0.0.1 and waits until it echoes. */
export async function startCoturnPeer(): Promise<{ port: number; stop(): void }> {
  const port = await freeUdpPort();
  const child = spawn("turnutils_peer", ["-L", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const probe = createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error("turnutils_peer did not echo")), 5000);
      const tick = setInterval(() => probe.send("ping", port, "127.0.0.1"), 50);
      probe.once("message", () => {
        clearTimeout(deadline);
        clearInterval(tick);
        resolve();
      });
      probe.bind(0, "127.0.0.1");
    });
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  } finally {
    probe.close();
  }
  return { port, stop: () => stop(child) };
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null) child.kill("SIGKILL");
}

export interface UclientResult {
  readonly output: string;
  readonly sent: number;
  readonly received: number;
  readonly lost: number | undefined;
  readonly code: number | null;
}

/** Runs turnutils_uclient with the given flags and parses its final tallies. */
export function runUclient(args: readonly string[], timeoutMs = 60_000): Promise<UclientResult> {
  return new Promise((resolve) => {
    const child = spawn("turnutils_uclient", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => stop(child), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const totals = [...output.matchAll(/start_mclient: tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/g)].at(-1);
      const lost = /Total lost packets (\d+)/.exec(output);
      resolve({
        output,
        sent: Number(totals?.[1] ?? 0),
        received: Number(totals?.[2] ?? 0),
        lost: lost ? Number(lost[1]) : undefined,
        code,
      });
    });
  });
}
