/** The real entry point: config errors exit 2 before listening, SIGHUP reloads lists, /stats and /metrics, SIGTERM. */
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { announceQuery, failureOf, httpGet, withDeadline } from "./clients.js";

/** The test command exports REDIS_URL for the Redis suites; this one checks the in-memory store. */
function processEnvWithoutRedis(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.REDIS_URL;
  return env;
}

const main = new URL("../src/main.ts", import.meta.url).pathname;
const nodeArgs = ["--conditions=source", "--import", "tsx", main];
const dir = mkdtempSync(join(tmpdir(), "tracker-main-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tracker main", () => {
  it("prints every configuration problem and exits 2", () => {
    const r = spawnSync(process.execPath, nodeArgs, {
      env: { ...process.env, TRACKER_PORT: "nope", TRACKER_NUMWANT_MAX: "-1" },
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /TRACKER_PORT/);
    assert.match(r.stderr, /TRACKER_NUMWANT_MAX/);
  });

  it("reloads the allow list on SIGHUP and stops on SIGTERM", async () => {
    const file = join(dir, "allow.txt");
    const a = randomBytes(20);
    const b = randomBytes(20);
    writeFileSync(file, `${a.toString("hex")}\n`);
    const child: ChildProcess = spawn(process.execPath, nodeArgs, {
      env: {
        ...processEnvWithoutRedis(),
        TRACKER_HOST: "127.0.0.1",
        TRACKER_PORT: "0",
        TRACKER_UDP_PORT: "0",
        TRACKER_ALLOWLIST: file,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const next = (msg: string): Promise<Record<string, unknown>> =>
        withDeadline(
          new Promise((resolve) => {
            const on = (line: string): void => {
              const rec = JSON.parse(line) as Record<string, unknown>;
              if (rec.msg === msg) {
                lines.off("line", on);
                resolve(rec);
              }
            };
            lines.on("line", on);
          }),
          20_000,
          msg,
        );
      const listening = await next("tracker listening");
      const url = `http://127.0.0.1:${listening.http as number}`;
      const q = (h: Buffer): string => announceQuery({ infoHash: h, peerId: randomBytes(20), port: 1 });
      assert.equal(failureOf(await httpGet(`${url}/announce?${q(a)}`)), undefined);
      assert.equal(failureOf(await httpGet(`${url}/announce?${q(b)}`)), "torrent not allowed");

      writeFileSync(file, `${a.toString("hex")}\n${b.toString("hex")}\n`);
      const reloaded = next("access rules loaded");
      child.kill("SIGHUP");
      assert.equal((await reloaded).hashes, 2);
      assert.equal(failureOf(await httpGet(`${url}/announce?${q(b)}`)), undefined);

      const stats = (await (await fetch(`${url}/stats`)).json()) as Record<string, unknown>;
      assert.equal(stats.torrents, 2);
      assert.equal(stats.leechers, 2);
      assert.deepEqual(stats.tracker_announces_total, { "transport=http": 2 });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /tracker_leechers 2/);
      assert.equal((await fetch(`${url}/health`)).status, 200);

      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      assert.equal(await withDeadline(exited, 10_000, "exit"), 0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
