/**
 * aria2c seeds and aria2c downloads a file through our tracker (HTTP and UDP), each on its own loopback address;
 * the downloaded bytes are compared. aria2 only uses UDP trackers with DHT on (see TESTING.md).
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, freeUdpPort } from "@switchboard/test-support";
import { startTracker, type StartedTracker } from "../start-tracker.js";
import { announces, prepareSwarm } from "./swarm-fixture.js";

const run = promisify(execFile);

async function aria2Args(dir: string, iface: string, udp: boolean): Promise<string[]> {
  const port = await freePort({ host: iface });
  return [
    `--dir=${dir}`,
    `--interface=${iface}`,
    `--listen-port=${port}`,
    `--enable-dht=${udp}`,
    ...(udp
      ? [`--dht-listen-port=${await freeUdpPort(iface)}`, `--dht-file-path=${join(dir, "dht.dat")}`]
      : []),
    "--bt-enable-lpd=false",
    "--enable-peer-exchange=false",
    "--summary-interval=0",
    "--console-log-level=warn",
    "--no-conf=true",
  ];
}

describe("aria2c through our tracker", () => {
  let t: StartedTracker;
  let dir: string;
  const payload = randomBytes(1024 * 1024 + 77);
  beforeAll(async () => {
    t = await startTracker({ interval: 10, minInterval: 1, peerTtl: 60 });
    dir = mkdtempSync(join(tmpdir(), "tracker-aria2-"));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ["http", "udp"] as const) {
    it(`seeds and downloads over ${transport.toUpperCase()}`, async () => {
      const { seedDir, leechDir, torrent } = await prepareSwarm({ dir, transport, tracker: t, payload });
      const udp = transport === "udp";
      const seeder = spawn(
        "aria2c",
        [
          ...(await aria2Args(seedDir, "127.0.0.5", udp)),
          "--bt-seed-unverified=true",
          "--seed-ratio=0.0",
          torrent,
        ],
        { stdio: "ignore" },
      );
      try {
        const { stdout } = await run(
          "aria2c",
          [
            ...(await aria2Args(leechDir, "127.0.0.6", udp)),
            "--seed-time=0",
            "--bt-stop-timeout=60",
            torrent,
          ],
          { timeout: 90_000 },
        );
        assert.match(stdout, /download completed/);
        assert.ok(readFileSync(join(leechDir, "payload.bin")).equals(payload), "downloaded bytes differ");
      } finally {
        seeder.kill("SIGKILL");
      }
      assert.ok((await announces(t, transport)) >= 2);
    });
  }
});
