/**
 * What both BitTorrent-client suites need per transport: a seed folder holding the payload, an empty leech
 * folder, and a .torrent (made by make_torrent.py) announcing to our tracker over HTTP or UDP.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { StartedTracker } from "../start-tracker.js";

const run = promisify(execFile);
const here = new URL(".", import.meta.url).pathname;

export type TrackerTransport = "http" | "udp";

export interface Swarm {
  readonly seedDir: string;
  readonly leechDir: string;
  readonly torrent: string;
}

export async function prepareSwarm(opts: {
  dir: string;
  transport: TrackerTransport;
  tracker: StartedTracker;
  payload: Buffer;
}): Promise<Swarm> {
  const base = join(opts.dir, opts.transport);
  const seedDir = join(base, "seed");
  const leechDir = join(base, "leech");
  mkdirSync(seedDir, { recursive: true });
  mkdirSync(leechDir, { recursive: true });
  writeFileSync(join(seedDir, "payload.bin"), opts.payload);
  const url =
    opts.transport === "http"
      ? `http://127.0.0.1:${opts.tracker.httpPort}/announce`
      : `udp://127.0.0.1:${opts.tracker.udpPort}/announce`;
  const torrent = join(base, "payload.torrent");
  await run("/usr/bin/python3", [join(here, "make_torrent.py"), join(seedDir, "payload.bin"), url, torrent]);
  return { seedDir, leechDir, torrent };
}

/** The tracker's announce count for one transport, from /stats. */
export async function announces(tracker: StartedTracker, transport: TrackerTransport): Promise<number> {
  const stats = (await (await fetch(`${tracker.url}/stats`)).json()) as Record<
    string,
    Record<string, number>
  >;
  return stats.tracker_announces_total?.[`transport=${transport}`] ?? 0;
}
