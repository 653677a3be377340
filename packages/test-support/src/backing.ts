/**
 * The one place that decides how a suite gets the servers it needs beside ours — Redis for the integration suites,
 * nginx and Prometheus for the deploy suite:
 *   1. REDIS_URL, when set, wins (the test command's shared redis-server, or any server you point it at);
 *   2. else a container (testcontainers) when a Docker engine is reachable;
 *   3. else the local binaries (Debian's redis-server, nginx, prometheus), as on the CI machines.
 * testcontainers is only imported once a Docker socket is seen, so suites on a machine without one pay nothing.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export type BackingKind = "env" | "container" | "local";

export interface ContainerEngine {
  readonly available: boolean;
  /** Why there is none (when `available` is false). */
  readonly reason: string;
}

let engine: Promise<ContainerEngine> | undefined;

/** Whether testcontainers can reach a Docker engine here (asked once per process). */
export function containerEngine(): Promise<ContainerEngine> {
  engine ??= probeEngine();
  return engine;
}

async function probeEngine(): Promise<ContainerEngine> {
  if (process.env.SWITCHBOARD_NO_CONTAINERS === "1")
    return { available: false, reason: "SWITCHBOARD_NO_CONTAINERS=1" };
  const hints = [
    process.env.DOCKER_HOST,
    process.env.TESTCONTAINERS_HOST_OVERRIDE,
    existsSync("/var/run/docker.sock") ? "/var/run/docker.sock" : undefined,
    existsSync(join(homedir(), ".testcontainers.properties")) ? "~/.testcontainers.properties" : undefined,
    process.env.XDG_RUNTIME_DIR && existsSync(join(process.env.XDG_RUNTIME_DIR, "docker.sock"))
      ? "rootless docker"
      : undefined,
  ];
  if (!hints.some(Boolean))
    return { available: false, reason: "no Docker engine here (no DOCKER_HOST, no /var/run/docker.sock)" };
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return { available: true, reason: "" };
  } catch (err) {
    return {
      available: false,
      reason: `no Docker engine reachable: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** How this run gets Redis (REDIS_URL, a container, or the local redis-server). */
export async function redisBacking(): Promise<BackingKind> {
  if (process.env.REDIS_URL) return "env";
  return (await containerEngine()).available ? "container" : "local";
}

/** How this run gets nginx and Prometheus for the deploy suite (a container, or the local binaries). */
export async function deployBacking(): Promise<Exclude<BackingKind, "env">> {
  return (await containerEngine()).available ? "container" : "local";
}

/** Images of the compose files, so that containers in tests run what production runs. */
export const IMAGES = {
  redis: "redis:7.4-alpine",
  nginx: "nginx:1.28-alpine",
  prometheus: "prom/prometheus:v2.53.2",
} as const;
