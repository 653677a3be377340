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
  /** Where the engine runs as testcontainers sees it: "localhost" for an engine on this machine's socket. */
  readonly host?: string;
  /** The engine's operating system as it reports it ("Docker Desktop", "Debian GNU/Linux 12 (bookworm)", …). */
  readonly operatingSystem?: string;
  /** The engine's socket path on its own host (`/run/user/<uid>/docker.sock` for a rootless engine). */
  readonly socketPath?: string;
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
    const { containerRuntime } = (await getContainerRuntimeClient()).info;
    return {
      available: true,
      reason: "",
      host: containerRuntime.host,
      operatingSystem: containerRuntime.operatingSystem,
      socketPath: containerRuntime.remoteSocketPath,
    };
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

export interface DeployChoice {
  readonly kind: Exclude<BackingKind, "env">;
  /** Why the local binaries (empty for a container). */
  readonly reason: string;
}

const LOCAL_ENGINE_HOSTS = new Set(["localhost", "127.0.0.1", "::1"]);

/**
 * Containers for the deploy suite need the host's network namespace (`--network host`): the tests start our services
 * on 127.0.0.1 and the rendered nginx and Prometheus files name them (and their own listen addresses) there. That
 * namespace is this machine's loopback only for an engine running natively on this machine: not a remote engine
 * (DOCKER_HOST=tcp://…, or a gateway address when the tests themselves run in a container), not Docker Desktop
 * (its host network is a VM's unless host networking is turned on in its settings), not a rootless engine (its
 * host network is rootlesskit's namespace). Those get the local binaries, with the reason.
 */
export function chooseDeployBacking(engine: ContainerEngine): DeployChoice {
  if (!engine.available) return { kind: "local", reason: engine.reason };
  if (engine.host !== undefined && !LOCAL_ENGINE_HOSTS.has(engine.host))
    return {
      kind: "local",
      reason: `the Docker engine is not on this machine (${engine.host}): its host network is not our loopback`,
    };
  if (/docker desktop/i.test(engine.operatingSystem ?? ""))
    return { kind: "local", reason: "Docker Desktop: its host network is a VM's, not our loopback" };
  if (/^\/run\/user\/\d+\//.test(engine.socketPath ?? ""))
    return { kind: "local", reason: "rootless engine: its host network is rootlesskit's, not our loopback" };
  return { kind: "container", reason: "" };
}

/** How this run gets nginx and Prometheus for the deploy suite (a container, or the local binaries), and why. */
export async function deployChoice(): Promise<DeployChoice> {
  return chooseDeployBacking(await containerEngine());
}

/** How this run gets nginx and Prometheus for the deploy suite (a container, or the local binaries). */
export async function deployBacking(): Promise<Exclude<BackingKind, "env">> {
  return (await deployChoice()).kind;
}

/** Images of the compose files, so that containers in tests run what production runs. */
export const IMAGES = {
  redis: "redis:7.4-alpine",
  nginx: "nginx:1.28-alpine",
  prometheus: "prom/prometheus:v2.53.2",
} as const;
