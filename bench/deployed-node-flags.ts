/**
 * The node flags a service's image runs it with: the arguments between `node` and the entry point in the last
 * `CMD ["node", …, "services/<name>/dist/main.js"]` of its Dockerfile. Benchmarks and soaks start the service
 * with the same flags, so what they measure is what is deployed.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Flags from `serviceDir/Dockerfile` ([] when it has none, or no exec-form `node` CMD). */
export function deployedNodeFlags(serviceDir: string): string[] {
  const file = join(serviceDir, "Dockerfile");
  if (!existsSync(file)) return [];
  const cmds = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("CMD ["));
  const last = cmds[cmds.length - 1];
  if (last === undefined) return [];
  const argv = JSON.parse(last.slice("CMD ".length)) as unknown;
  if (!Array.isArray(argv) || argv[0] !== "node") return [];
  const entry = argv.findIndex((a) => typeof a === "string" && a.endsWith("/main.js"));
  return argv.slice(1, entry < 0 ? argv.length : entry).map(String);
}
