/** A throwaway redis-server (Debian's) for tests and benchmarks, and the shared one of the test command. */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGES, redisBacking, type BackingKind } from "./backing.js";
import { freePort } from "./free-port.js";

const READY_MS = 10_000;

/** A redis-server on a free 127.0.0.1 port, without persistence; stop/start at will, dispose at the end. */
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
    try {
      await r.start();
    } catch (err) {
      await r.dispose();
      throw err;
    }
    return r;
  }
  /** (Re)starts the server on the same port and resolves once it accepts connections. */
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
      const timer = setTimeout(() => reject(new Error("redis-server did not start")), READY_MS);
      let seen = "";
      proc.stdout?.on("data", (d: Buffer) => {
        seen = (seen + d.toString()).slice(-200);
        if (seen.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      proc.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}`));
      });
    });
  }
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered until `resume`. */
  pause(): void {
    this.#proc?.kill("SIGSTOP");
  }
  /** Lets a paused server run again (SIGCONT). */
  resume(): void {
    this.#proc?.kill("SIGCONT");
  }
  /** Kills the server (SIGKILL: an outage, not a clean shutdown). */
  async stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, "exit");
    proc.kill("SIGKILL");
    proc.kill("SIGCONT");
    await exited;
  }
  /** Stops the server and deletes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

export interface SharedRedis {
  readonly url: string;
  dispose(): Promise<void>;
}

/**
 * Redis for a suite, chosen in one place (backing.ts): `REDIS_URL` when set (the test command's shared server),
 * else a Redis container (testcontainers) when a Docker engine is reachable, else a redis-server of our own.
 * Never a silent skip.
 */
export async function sharedRedis(): Promise<SharedRedis & { readonly backing: BackingKind }> {
  const backing = await redisBacking();
  if (backing === "env")
    return { url: process.env.REDIS_URL ?? "", backing, dispose: () => Promise.resolve() };
  if (backing === "container") {
    const { GenericContainer, Wait } = await import("testcontainers");
    const container = await new GenericContainer(IMAGES.redis)
      .withCommand(["redis-server", "--save", "", "--appendonly", "no"])
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage("Ready to accept connections"))
      .start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      backing,
      dispose: async () => {
        await container.stop();
      },
    };
  }
  const r = await RedisProcess.start();
  return { url: r.url, backing, dispose: () => r.dispose() };
}
