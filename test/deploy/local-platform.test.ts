// The local run as a newcomer gets it (`npm start`): every service bound to loopback, any meeting code joinable,
// TURN relaying to loopback peers, and SIGTERM — to the runner or to `npm start` itself — stopping every service.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { TestTurnClient, errorCode, relayedAddress } from "@switchboard/test-support";
import { SignalingClient } from "./lib/signaling-client.js";
import {
  PORT_VARS,
  alive,
  boundAddresses,
  childPids,
  freePlatformPorts,
  platformEnv,
  startLocalPlatform,
  type LocalPlatform,
} from "./lib/local-platform.js";
import { repoRoot } from "./lib/paths.js";
import { startProc, stopProc, waitUntil } from "./lib/processes.js";

describe("local platform (scripts/start.mjs)", () => {
  let platform: LocalPlatform | undefined;
  beforeAll(async () => {
    platform = await startLocalPlatform();
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it("binds every service to 127.0.0.1 and prints the admin endpoints", () => {
    const p = platform as LocalPlatform;
    for (const v of PORT_VARS) {
      const addresses = boundAddresses(p.ports[v]);
      assert.ok(addresses.length > 0, `${v} ${p.ports[v]}: something listens`);
      assert.deepEqual([...new Set(addresses)], ["127.0.0.1"], `${v} ${p.ports[v]}: ${addresses.join(", ")}`);
    }
    const out = p.runner.output();
    assert.match(
      out,
      new RegExp(`admin http://127\\.0\\.0\\.1:${p.ports.STUN_ADMIN_PORT}/health /stats /metrics`),
    );
    assert.match(
      out,
      new RegExp(`admin http://127\\.0\\.0\\.1:${p.ports.TURN_ADMIN_PORT}/health /stats /metrics`),
    );
    assert.match(out, /any meeting code is joinable/);
  });

  it("lets a peer join a meeting code nobody created (the first joiner is host)", async () => {
    const p = platform as LocalPlatform;
    const client = await SignalingClient.connect(p.signalingUrl);
    try {
      assert.equal((await client.hello()).type, "welcome");
      client.send({ v: 1, type: "join", roomId: "never-created-42" });
      const reply = await client.next((m) => m.type === "joined" || m.type === "error", "joined");
      assert.equal(reply.type, "joined", JSON.stringify(reply));
    } finally {
      client.close();
    }
  });

  it("TURN relays to loopback peers with the credentials signaling hands out", async () => {
    const p = platform as LocalPlatform;
    const signaling = await SignalingClient.connect(p.signalingUrl);
    let creds: { username: string; password: string };
    try {
      const welcome = await signaling.hello();
      const servers = welcome.iceServers as { urls: string[]; username?: string; credential?: string }[];
      const turn = servers.find((s) => s.urls.some((u) => u.startsWith("turn:")));
      assert.ok(turn?.username && turn.credential, JSON.stringify(servers));
      creds = { username: turn.username, password: turn.credential };
    } finally {
      signaling.close();
    }
    const server = { address: "127.0.0.1", port: p.ports.TURN_PORT };
    const a = new TestTurnClient({ transport: "udp", server, ...creds });
    const b = new TestTurnClient({ transport: "udp", server, ...creds });
    await a.open();
    await b.open();
    try {
      const allocA = await a.allocate();
      const allocB = await b.allocate();
      assert.equal(errorCode(allocA), undefined, "allocation A");
      assert.equal(errorCode(allocB), undefined, "allocation B");
      const relayB = relayedAddress(allocB);
      assert.equal(relayB.address, "127.0.0.1");
      const perm = await a.createPermission(relayB);
      assert.equal(
        errorCode(perm),
        undefined,
        "CreatePermission to a loopback peer is allowed (403 in production)",
      );
    } finally {
      a.close();
      b.close();
    }
  });

  it("SIGTERM to the runner stops every service", async () => {
    const p = platform as LocalPlatform;
    const pids = childPids(p.runner.child.pid ?? 0);
    assert.equal(pids.length, 4, "one process per service");
    p.runner.child.kill("SIGTERM");
    const exit = await p.runner.exited;
    assert.equal(exit.code, 0, p.runner.output());
    await waitUntil("every service process gone", () => pids.every((pid) => !alive(pid)), 10_000);
  });
});

describe("npm start", () => {
  it("SIGTERM to the npm process stops every service (npm runs the one start script, which passes it on)", async () => {
    const ports = await freePlatformPorts();
    const npm = startProc("npm start", "npm", ["start", "--silent"], {
      cwd: repoRoot,
      env: platformEnv(ports, { TURBO_TELEMETRY_DISABLED: "1" }),
    });
    try {
      await waitUntil("the ready line", () => npm.output().includes("Switchboard is ready"), 120_000);
      const runnerPids = childPids(npm.child.pid ?? 0);
      const services = runnerPids.flatMap(childPids);
      assert.equal(services.length, 4, `four services under npm → start.mjs:\n${npm.output()}`);
      npm.child.kill("SIGTERM");
      await Promise.race([
        npm.exited,
        new Promise((_, reject) => setTimeout(() => reject(new Error("npm did not exit")), 20_000)),
      ]);
      await waitUntil(
        "every service process gone",
        () => [...runnerPids, ...services].every((pid) => !alive(pid)),
        15_000,
      );
    } finally {
      await stopProc(npm);
    }
  });

  it("a runner whose parent dies without passing a signal on stops its services", async () => {
    const ports = await freePlatformPorts();
    // A shell that starts the runner in the background and is then killed with SIGKILL: nothing forwards a signal.
    const sh = spawn("sh", ["-c", `node scripts/start.mjs & echo $!; wait`], {
      cwd: repoRoot,
      env: platformEnv(ports),
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    sh.stdout.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await waitUntil("the ready line", () => out.includes("Switchboard is ready"), 60_000);
      const runner = Number(out.split("\n")[0]);
      const services = childPids(runner);
      assert.equal(services.length, 4, out);
      sh.kill("SIGKILL");
      await waitUntil(
        "runner and services gone",
        () => [runner, ...services].every((pid) => !alive(pid)),
        15_000,
      );
    } finally {
      if (sh.exitCode === null) sh.kill("SIGKILL");
    }
  });
});
