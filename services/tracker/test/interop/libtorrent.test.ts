/**
 * python3-libtorrent seeds and downloads a file through our tracker, over HTTP and over UDP; the downloaded
 * bytes are compared with the original.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startTracker, type StartedTracker } from "../start-tracker.js";
import { announces, prepareSwarm } from "./swarm-fixture.js";

const run = promisify(execFile);
const here = new URL(".", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";

describe("python3-libtorrent through our tracker", () => {
  let t: StartedTracker;
  let dir: string;
  const payload = randomBytes(1536 * 1024 + 123);
  beforeAll(async () => {
    t = await startTracker({ interval: 10, minInterval: 1, peerTtl: 60 });
    dir = mkdtempSync(join(tmpdir(), "tracker-lt-"));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ["http", "udp"] as const) {
    it(`seeds and downloads over ${transport.toUpperCase()}`, async () => {
      const { seedDir, leechDir, torrent } = await prepareSwarm({ dir, transport, tracker: t, payload });
      const before = await announces(t, transport);
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
      assert.ok((await announces(t, transport)) > before);
    });
  }
});
