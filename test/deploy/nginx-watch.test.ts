// nginx/docker-entrypoint.d/40-switchboard-watch-upstreams.sh: reloads nginx when the addresses of the scaled
// services change. Run with stand-ins for `getent` (addresses from a file) and `nginx` (records its arguments).
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./lib/paths.js";
import { waitUntil } from "./lib/processes.js";

const SCRIPT = join(repoRoot, "nginx/docker-entrypoint.d/40-switchboard-watch-upstreams.sh");

describe("nginx upstream watch (scaling without a manual reload)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sb-watch-"));
  let pgid = 0;
  afterAll(() => {
    if (pgid) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("reloads nginx once when a service gains a replica, not while nothing changes", async () => {
    const hostsFile = join(dir, "signaling.hosts");
    const reloads = join(dir, "reloads.log");
    writeFileSync(hostsFile, "172.18.0.5\n");
    writeFileSync(
      join(dir, "getent"),
      `#!/bin/sh\n[ "$2" = signaling ] && sed 's/$/ signaling/' ${hostsFile}\n`,
    );
    writeFileSync(join(dir, "nginx"), `#!/bin/sh\necho "$@" >> ${reloads}\n`);
    chmodSync(join(dir, "getent"), 0o755);
    chmodSync(join(dir, "nginx"), 0o755);
    const child = spawn("sh", [SCRIPT], {
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        PATH: `${dir}:${process.env.PATH ?? ""}`,
        SB_WATCH_HOSTS: "signaling",
        SB_WATCH_INTERVAL: "0.1",
      },
    });
    pgid = child.pid ?? 0;
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 0, "the entrypoint script returns at once (the watch runs in the background)");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(existsSync(reloads), false, "no reload while the addresses stay the same");
    writeFileSync(hostsFile, "172.18.0.5\n172.18.0.6\n");
    await waitUntil("a reload", () => existsSync(reloads), 5000);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(readFileSync(reloads, "utf8"), "-s reload\n", "exactly one reload");
  });
});
