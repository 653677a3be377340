/**
 * What each benchmark target needs on this machine, checked before anything starts: a missing one is named
 * with how to get it, instead of a crash halfway through (`spawn opentracker ENOENT`).
 */
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface Missing {
  target: string;
  what: string;
  howToGet: string;
}

/** The first executable called `name` on PATH, or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const root = new URL("../../", import.meta.url).pathname;

/** The prerequisites of `targets` that are missing (empty when all can run). */
export function missingPrerequisites(targets: readonly string[]): Missing[] {
  const out: Missing[] = [];
  for (const target of targets) {
    if (target === "opentracker" && onPath("opentracker") === undefined) {
      out.push({
        target,
        what: "the `opentracker` executable on PATH",
        howToGet: "sudo apt-get install opentracker (Debian/Ubuntu; also done by scripts/setup-system.sh)",
      });
    }
    if (
      target === "bittorrent-tracker" &&
      !existsSync(join(root, "bench/.peers/node_modules/bittorrent-tracker/server.js"))
    ) {
      out.push({
        target,
        what: "the npm package bittorrent-tracker in bench/.peers",
        howToGet: "bash bench/tracker/install-peers.sh",
      });
    }
  }
  return out;
}

/** A message listing what is missing and how to get it, or how to leave those targets out. */
export function describeMissing(missing: readonly Missing[]): string {
  const lines = missing.map((m) => `  - ${m.target}: needs ${m.what}; get it with: ${m.howToGet}`);
  const skip = [...new Set(missing.map((m) => m.target))].join(",");
  return [
    "tracker benchmark: missing prerequisites",
    ...lines,
    `Install them, or leave those targets out (--skip-missing, or --targets without ${skip}).`,
  ].join("\n");
}
