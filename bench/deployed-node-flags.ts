/**
 * The node flags a service's image runs it with: the `NODE_FLAGS` build argument that docker-compose.yml passes to
 * the one Dockerfile (which puts them on node's command line). Benchmarks and soaks start the service with the same
 * flags, so what they measure is what is deployed.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";

/** Flags for the service in `serviceDir` (services/<name>): [] when compose passes none. */
export function deployedNodeFlags(serviceDir: string): string[] {
  const compose = join(serviceDir, "../../docker-compose.yml");
  if (!existsSync(compose)) return [];
  const doc = parse(readFileSync(compose, "utf8"), { merge: true }) as {
    services?: Record<string, { build?: { args?: Record<string, unknown> } }>;
  };
  const flags = doc.services?.[basename(serviceDir)]?.build?.args?.NODE_FLAGS;
  return typeof flags === "string" ? flags.split(/\s+/).filter(Boolean) : [];
}
