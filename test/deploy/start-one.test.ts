// `npm run start:<service>`: scripts/start.mjs --only NAME runs that one service with `npm start`'s local defaults.
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { freePort } from "@switchboard/test-support";
import { childPids } from "./lib/local-platform.js";
import { repoRoot } from "./lib/paths.js";
import { startProc, stopProc, waitForHttp, waitUntil } from "./lib/processes.js";
import { SERVICE_NAMES } from "./lib/services.js";

describe("one service at a time (npm run start:<service>)", () => {
  it("package.json has a start:<service> script for every service, passing --only", () => {
    const scripts = (
      JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    for (const s of SERVICE_NAMES)
      assert.equal(scripts[`start:${s}`], `exec node scripts/start.mjs --build --only ${s}`);
  });

  for (const only of ["signaling", "stun"] as const) {
    it(`--only ${only} starts ${only} alone with the local defaults`, async () => {
      const ports = {
        STUN_PORT: await freePort({ protocol: "both" }),
        STUN_ADMIN_PORT: await freePort(),
        TURN_PORT: await freePort({ protocol: "both" }),
        TURN_ADMIN_PORT: await freePort(),
        SIGNALING_PORT: await freePort(),
        TRACKER_PORT: await freePort({ protocol: "both" }),
      };
      const env: Record<string, string> = { ...process.env, STUN_WORKERS: "1", LOG_LEVEL: "warn" };
      delete env.REDIS_URL;
      delete env.SWITCHBOARD_SERVICES;
      for (const [k, v] of Object.entries(ports)) env[k] = String(v);
      const runner = startProc(
        `start ${only}`,
        process.execPath,
        [join(repoRoot, "scripts/start.mjs"), "--only", only],
        {
          cwd: repoRoot,
          env,
        },
      );
      try {
        const health =
          only === "signaling"
            ? `http://127.0.0.1:${ports.SIGNALING_PORT}/health`
            : `http://127.0.0.1:${ports.STUN_ADMIN_PORT}/health`;
        await waitForHttp(health, { proc: runner, timeoutMs: 45_000 });
        await waitUntil(
          "the ready line",
          () => runner.output().includes(`Switchboard is ready: ${only} healthy`),
          10_000,
        );
        assert.equal(childPids(runner.child.pid ?? 0).length, 1, "one service process");
        const out = runner.output();
        assert.equal(out.includes("SIGNALING  ws://"), only === "signaling", out);
        assert.equal(out.includes("STUN       stun:"), only === "stun", out);
        assert.ok(!out.includes("TRACKER    http://"), out);
        if (only === "signaling") {
          // Same local defaults as `npm start`: any meeting code is joinable, ICE servers point at the local ports.
          assert.match(out, /any meeting code is joinable/);
          const other = `http://127.0.0.1:${ports.STUN_ADMIN_PORT}/health`;
          await assert.rejects(fetch(other, { signal: AbortSignal.timeout(1000) }), "STUN is not started");
        }
      } finally {
        await stopProc(runner, 15_000);
      }
    }, 60_000);
  }

  it("an unknown service is refused before anything starts", () => {
    const r = spawnSync(process.execPath, [join(repoRoot, "scripts/start.mjs"), "--only", "dht"], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 10_000,
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option/);
  });
});
