import cluster, { type Worker } from "node:cluster";
import { createMetricsRegistry, Health, type Logger, type ShutdownStep } from "@switchboard/runtime";
import { startAdmin } from "../admin.js";
import type { StunConfig } from "../config.js";
import { WorkerStartError } from "../errors.js";
import type { StunAddresses } from "../server.js";
import { ClusterRegistry } from "./cluster-registry.js";
import { parseWorkerMessage } from "./messages.js";

export interface StartPrimaryOptions {
  config: StunConfig;
  logger: Logger;
  workers: number;
  /** How long a worker may take to start serving. */
  startTimeoutMs?: number;
  /** Pause before a crashed worker is replaced. */
  restartDelayMs?: number;
}

export interface RunningStun {
  readonly addresses: StunAddresses;
  readonly adminUrl: string;
  readonly steps: readonly ShutdownStep[];
}

/**
 * The cluster primary: forks the workers (which share the service's ports), serves the admin HTTP API with
 * metrics gathered from every worker, replaces workers that die, and stops them on shutdown. With STUN_PORT=0 the
 * first worker picks the port and the others (and any replacement) are told to join it.
 */
export async function startPrimary(opts: StartPrimaryOptions): Promise<RunningStun> {
  const { logger, workers: count } = opts;
  const health = new Health();
  const serving = new Set<Worker>();
  const pending = new Map<number, (metrics: readonly object[]) => void>();
  let nextId = 1;
  let stopping = false;
  const updateHealth = (): void =>
    health.set("workers", serving.size > 0, { critical: true, detail: `${serving.size}/${count} serving` });
  health.set("workers", false, { critical: true, detail: `0/${count} serving` });

  const collect = (): Promise<Array<readonly object[]>> =>
    Promise.all(
      [...serving].map(
        (w) =>
          new Promise<readonly object[]>((resolve) => {
            const id = nextId++;
            const timer = setTimeout(() => {
              pending.delete(id);
              resolve([]);
            }, 2000);
            pending.set(id, (metrics) => {
              clearTimeout(timer);
              pending.delete(id);
              resolve(metrics);
            });
            w.send({ type: "stun:collect", id });
          }),
      ),
    );
  const registry = new ClusterRegistry(createMetricsRegistry(), collect);
  const admin = await startAdmin({
    config: opts.config,
    logger,
    health,
    registry,
    stats: () => ({ workers: { configured: count, serving: serving.size }, udpIo }),
  });

  let firstAddresses: StunAddresses | undefined;
  let udpIo: string | undefined;
  /** Environment of workers forked after the first one: the port it bound when the configuration said 0. */
  let joinEnv: Record<string, string> = {};
  let startFailed: ((err: Error) => void) | undefined;
  let allServing: (() => void) | undefined;
  const fork = (): Worker => {
    const worker = cluster.fork(joinEnv);
    worker.on("message", (raw: unknown) => {
      const msg = parseWorkerMessage(raw);
      if (msg?.type === "stun:listening") {
        serving.add(worker);
        udpIo ??= msg.udpIo;
        if (firstAddresses === undefined) {
          firstAddresses = msg.addresses;
          const port = msg.addresses.udp.PP?.port;
          if (opts.config.port === 0 && port !== undefined) joinEnv = { STUN_PORT: String(port) };
          // The others start once the first one serves (it found the port when STUN_PORT=0).
          for (let i = 1; i < count; i++) fork();
        }
        updateHealth();
        if (serving.size === count) allServing?.();
      } else if (msg?.type === "stun:failed") {
        startFailed?.(new WorkerStartError(`worker ${worker.id} could not listen: ${msg.message}`));
      } else if (msg?.type === "stun:metrics") {
        pending.get(msg.id)?.(msg.metrics);
      }
    });
    worker.on("exit", (code, signal) => {
      serving.delete(worker);
      updateHealth();
      if (stopping) return;
      logger.error({ worker: worker.id, code, signal }, "stun worker exited; replacing it");
      setTimeout(() => {
        if (!stopping) fork();
      }, opts.restartDelayMs ?? 1000).unref();
    });
    return worker;
  };

  const stopWorkers = async (): Promise<void> => {
    stopping = true;
    const exits = Object.values(cluster.workers ?? {}).map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w === undefined || w.isDead()) return resolve();
          const kill = setTimeout(() => w.process.kill("SIGKILL"), 5000);
          w.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          w.process.kill("SIGTERM");
        }),
    );
    await Promise.all(exits);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new WorkerStartError(`workers not serving after ${opts.startTimeoutMs ?? 30_000} ms`)),
        opts.startTimeoutMs ?? 30_000,
      );
      startFailed = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      allServing = () => {
        clearTimeout(timer);
        resolve();
      };
      fork();
    });
  } catch (err) {
    await stopWorkers();
    await admin.close();
    throw err;
  }
  startFailed = undefined;
  allServing = undefined;
  const addresses = firstAddresses ?? { udp: {}, tcp: {} };
  logger.info({ workers: count, addresses }, "stun serving");
  return {
    addresses,
    adminUrl: admin.url,
    steps: [
      { name: "workers", close: stopWorkers },
      { name: "admin", close: () => admin.close() },
    ],
  };
}
