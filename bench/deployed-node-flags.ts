/**
 * The node flags a service's image runs it with: the `NODE_FLAGS` build argument that docker-compose.yml passes to
 * the one Dockerfile (which puts them on node's command line), and the allocator settings of its compose environment.
 * Benchmarks and soaks start the service with the same flags (and the tracker's benchmarks with the same allocator
 * settings), so what they measure is what is deployed.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";

interface ComposeService {
  build?: { args?: Record<string, unknown> };
  environment?: Record<string, unknown>;
}

/** The compose entry of the service in `serviceDir` (services/<name>), if docker-compose.yml has one. */
function composeService(serviceDir: string): ComposeService | undefined {
  const compose = join(serviceDir, "../../docker-compose.yml");
  if (!existsSync(compose)) return undefined;
  const doc = parse(readFileSync(compose, "utf8"), { merge: true }) as {
    services?: Record<string, ComposeService>;
  };
  return doc.services?.[basename(serviceDir)];
}

/** Flags for the service in `serviceDir` (services/<name>): [] when compose passes none. */
export function deployedNodeFlags(serviceDir: string): string[] {
  const flags = composeService(serviceDir)?.build?.args?.NODE_FLAGS;
  return typeof flags === "string" ? flags.split(/\s+/).filter(Boolean) : [];
}

/**
 * The C allocator's settings compose gives the service (`GLIBC_TUNABLES`, `MALLOC_*`), for benchmarks to start it
 * with: they change its resident memory. Only these: the rest of its environment is the deployment's own.
 */
export function deployedAllocatorEnv(serviceDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(composeService(serviceDir)?.environment ?? {}))
    if ((name === "GLIBC_TUNABLES" || name.startsWith("MALLOC_")) && typeof value === "string")
      env[name] = value;
  return env;
}
