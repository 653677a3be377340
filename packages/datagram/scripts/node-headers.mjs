/**
 * Where Node's C headers are, for the repository's addons (this package's and the tracker's): the first of the
 * usual places that holds every one of `files`. Build scripts only; no dependency on anything installed.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** → `{ dir, candidates }`: `dir` undefined when no candidate holds them all. */
export function nodeHeaders(files) {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include/node"),
    join(dirname(process.execPath), "../include/node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ].filter(Boolean);
  const dir = candidates.find((d) => files.every((f) => existsSync(join(d, f))));
  return { dir, candidates };
}
