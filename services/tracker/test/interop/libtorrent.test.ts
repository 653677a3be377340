/**
 * python3-libtorrent seeds and downloads a file through our tracker, over HTTP and over UDP; the downloaded
 * bytes are compared with the original.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startTracker, type StartedTracker } from "../start-tracker.js";

const run = promisify(execFile);
const here = new URL(".", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";

describe("python3-libtorrent through our tracker", () => {
  let t: StartedTracker;
  let dir: string;
  const payload = randomBytes(1536 * 1024 + 123);
  before(async () => {
    t = await startTracker({ interval: 10, minInterval: 1, peerTtl: 60 });
    dir = mkdtempSync(join(tmpdir(), "tracker-lt-"));
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ["http", "udp"] as const) {
    it(`seeds and downloads over ${transport.toUpperCase()}`, async () => {
      const base = join(dir, transport);
      const seedDir = join(base, "seed");
      const leechDir = join(base, "leech");
      mkdirSync(seedDir, { recursive: true });
      mkdirSync(leechDir, { recursive: true });
      writeFileSync(join(seedDir, "payload.bin"), payload);
      const url =
        transport === "http"
          ? `http://127.0.0.1:${t.httpPort}/announce`
          : `udp://127.0.0.1:${t.udpPort}/announce`;
      const torrent = join(base, "payload.torrent");
      await run(PYTHON, [join(here, "make_torrent.py"), join(seedDir, "payload.bin"), url, torrent]);
      const before = (await (await fetch(`${t.url}/stats`)).json()) as Record<string, Record<string, number>>;
      const { stdout } = await run(
        PYTHON,
        [join(here, "libtorrent_swarm.py"), torrent, seedDir, leechDir, "60"],
        {
          timeout: 90_000,
        },
      );
      const result = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { ok: boolean };
      assert.ok(result.ok, stdout);
      assert.ok(readFileSync(join(leechDir, "payload.bin")).equals(payload), "downloaded bytes differ");
      const stats = (await (await fetch(`${t.url}/stats`)).json()) as Record<string, Record<string, number>>;
      const key = `transport=${transport}`;
      assert.ok((stats.tracker_announces_total?.[key] ?? 0) > (before.tracker_announces_total?.[key] ?? 0));
    });
  }
});
