import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free TCP port on 127.0.0.1 (found now, used right after). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const addr = srv.address();
  srv.close();
  if (addr === null || typeof addr === "string") throw new Error("no port");
  return addr.port;
}

/** A throwaway redis-server (Debian's) on a free loopback port, without persistence; stop/start at will. */
export class RedisProcess {
  readonly port: number;
  readonly #dir = mkdtempSync(join(tmpdir(), "sb-redis-"));
  #proc: ChildProcess | undefined;
  private constructor(port: number) {
    this.port = port;
  }
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  static async start(): Promise<RedisProcess> {
    const r = new RedisProcess(await freePort());
    await r.start();
    return r;
  }
  async start(): Promise<void> {
    const proc = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        this.#dir,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    this.#proc = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("redis-server did not start")), 10_000);
      proc.stdout?.on("data", (d: Buffer) => {
        if (d.toString().includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
  }
  /** Kills the server (SIGKILL: an outage, not a clean shutdown). */
  async stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = once(proc, "exit");
    proc.kill("SIGKILL");
    await exited;
  }
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** `REDIS_URL` from the test command, or a redis-server of our own (never a silent skip). */
export async function sharedRedis(): Promise<{ url: string; dispose: () => Promise<void> }> {
  const url = process.env.REDIS_URL;
  if (url) return { url, dispose: () => Promise.resolve() };
  const r = await RedisProcess.start();
  return { url: r.url, dispose: () => r.dispose() };
}
