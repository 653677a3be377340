/** Our STUN service as a child process on loopback (tsx, sources), ready once it answers a Binding request. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { StunSocket } from "../../src/nat/stun-socket.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const main = fileURLToPath(new URL("../../../../services/stun/src/main.ts", import.meta.url));

export interface StunService {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the service with `env` on top of single-process, no-TCP, no-rate-limit defaults; polls until it answers. */
export async function startStunService(
  env: Record<string, string>,
  host = "127.0.0.1",
): Promise<StunService> {
  const port = Number(env["STUN_PORT"]);
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", main], {
    cwd: root,
    env: {
      PATH: process.env["PATH"] ?? "",
      LOG_LEVEL: "warn",
      STUN_WORKERS: "1",
      STUN_TCP: "false",
      STUN_ADMIN_PORT: "0",
      STUN_RATE_LIMIT_PER_SECOND: "0",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  const socket = await StunSocket.open(4);
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`STUN service exited: ${stderr}`);
      const r = await socket.binding({ to: { address: host, port } }, { rtoMs: 100, requests: 2 });
      if (r?.mapped) break;
      if (Date.now() > deadline) throw new Error(`STUN service did not answer within 30 s: ${stderr}`);
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    socket.close();
  }
  return { child, port, stop };
}

/** A port pair free on 127.0.0.1 and 127.0.0.2, below the ephemeral range where port-0 sockets land. */
export function randomPortPair(): number {
  return 20_000 + Math.floor(Math.random() * 6_000) * 2;
}
