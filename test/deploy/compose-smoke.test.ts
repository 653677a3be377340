// The development stack as users start it (docker-compose.yml, the images built from the one Dockerfile), brought
// up by testcontainers' compose support with signaling scaled to 2: every service's /health through nginx, a STUN
// Binding, a TURN Allocate with the credentials signaling hands out, a tracker announce, and two signaling
// replicas behind nginx. Needs a Docker engine with the compose plugin; where there is none (our CI machines)
// every test is reported as skipped with that reason — never as passed.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { containerEngine } from "@switchboard/test-support";
import { skipTest } from "@switchboard/test-support/jest";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { repoRoot } from "./lib/paths.js";
import { SignalingClient } from "./lib/signaling-client.js";
import { allocate, stunBinding } from "./lib/turn-client.js";

const SERVICES = ["stun", "turn", "signaling", "tracker"] as const;
const HTTP_PORT = 18080; // published by nginx (HTTP_PUBLISH), away from a developer's port 80
const base = `http://127.0.0.1:${HTTP_PORT}`;

describe("docker compose smoke: docker-compose.yml up, signaling scaled to 2", () => {
  let env: StartedDockerComposeEnvironment | undefined;
  let skipReason: string | undefined;

  beforeAll(async () => {
    const engine = await containerEngine();
    if (!engine.available) {
      skipReason = engine.reason;
      return;
    }
    const { DockerComposeEnvironment, Wait } = await import("testcontainers");
    env = await new DockerComposeEnvironment(repoRoot, "docker-compose.yml")
      .withBuild()
      .withProjectName(`sb-smoke-${process.pid}`)
      .withEnvironment({ HTTP_PUBLISH: String(HTTP_PORT) })
      .withClientOptions({ commandOptions: ["--scale", "signaling=2"] })
      .withDefaultWaitStrategy(Wait.forHealthCheck())
      .withWaitStrategy("prometheus-1", Wait.forListeningPorts())
      .withWaitStrategy("grafana-1", Wait.forListeningPorts())
      .withStartupTimeout(600_000)
      .up();
  }, 900_000);

  afterAll(async () => {
    await env?.down({ timeout: 20_000 });
  }, 120_000);

  const needStack = () => {
    if (skipReason !== undefined) skipTest(skipReason);
    assert.ok(env, "the stack is up");
  };

  it("every service's /health answers ok through nginx", async () => {
    needStack();
    const res = await fetch(`${base}/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; services: Record<string, { status: string }> };
    assert.equal(body.status, "ok", JSON.stringify(body));
    for (const s of SERVICES) assert.equal(body.services[s]?.status, "ok", `${s}: ${JSON.stringify(body)}`);
  });

  it("STUN answers a Binding request on its published port", async () => {
    needStack();
    assert.equal(await stunBinding("127.0.0.1", 3478), "success");
  });

  it("TURN allocates with the credentials signaling hands out (through nginx)", async () => {
    needStack();
    const client = await SignalingClient.connect(`${base.replace("http", "ws")}/ws`);
    try {
      const welcome = await client.hello();
      const servers = welcome.iceServers as { urls: string[]; username?: string; credential?: string }[];
      const turn = servers.find((s) => s.urls.some((u) => u.startsWith("turn:")));
      assert.ok(turn?.username && turn.credential, JSON.stringify(servers));
      const creds = { username: turn.username, password: turn.credential };
      assert.equal(await allocate("127.0.0.1", 3479, creds), "success");
    } finally {
      client.close();
    }
  });

  it("the tracker answers an announce through nginx", async () => {
    needStack();
    const infoHash = "%AB".repeat(20);
    const res = await fetch(
      `${base}/announce?info_hash=${infoHash}&peer_id=-SB0001-smokesmoke01&port=6881&uploaded=0&downloaded=0&left=1&compact=1`,
    );
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer()).toString("latin1");
    assert.match(body, /8:intervali\d+e/);
  });

  it("signaling runs as 2 healthy replicas and nginx serves both", async () => {
    needStack();
    for (const name of ["signaling-1", "signaling-2"]) {
      const replica = env?.getContainer(name);
      assert.ok(replica, `${name} started`);
      const probe =
        "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))";
      const { exitCode, output } = await replica.exec(["node", "-e", probe]);
      assert.equal(exitCode, 0, `${name} /health: ${output}`);
    }
    // Clients through nginx get a welcome with both replicas behind it.
    const clients = await Promise.all(
      Array.from({ length: 6 }, () => SignalingClient.connect(`${base.replace("http", "ws")}/ws`)),
    );
    try {
      for (const c of clients) assert.equal((await c.hello()).type, "welcome");
    } finally {
      for (const c of clients) c.close();
    }
  });
});
