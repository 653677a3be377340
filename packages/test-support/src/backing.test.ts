import { afterEach, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import {
  chooseDeployBacking,
  containerEngine,
  deployBacking,
  deployChoice,
  redisBacking,
} from "./backing.js";

describe("backing: how suites get Redis, nginx and Prometheus", () => {
  const saved = process.env.REDIS_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
  });

  it("REDIS_URL wins when set", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    assert.equal(await redisBacking(), "env");
  });

  it("without REDIS_URL: a container when an engine is reachable, else the local binaries", async () => {
    delete process.env.REDIS_URL;
    const engine = await containerEngine();
    const expected = engine.available ? "container" : "local";
    assert.equal(await redisBacking(), expected);
    assert.equal(await deployBacking(), chooseDeployBacking(engine).kind);
    if (!engine.available) assert.deepEqual(await deployChoice(), { kind: "local", reason: engine.reason });
    if (!engine.available) assert.match(engine.reason, /Docker|SWITCHBOARD_NO_CONTAINERS/);
    // No socket and no DOCKER_HOST: decided without importing testcontainers, and never "available".
    if (!process.env.DOCKER_HOST && !existsSync("/var/run/docker.sock"))
      assert.equal(engine.available, false);
  });

  it("asks once per process", async () => {
    assert.equal(containerEngine(), containerEngine());
    assert.ok((await containerEngine()) === (await containerEngine()));
  });

  it("deploy suite: a container only for an engine that shares this machine's loopback", () => {
    const native = {
      available: true,
      reason: "",
      host: "localhost",
      operatingSystem: "Debian GNU/Linux 12 (bookworm)",
      socketPath: "/var/run/docker.sock",
    };
    assert.deepEqual(chooseDeployBacking(native), { kind: "container", reason: "" });
    assert.equal(chooseDeployBacking({ ...native, host: "127.0.0.1" }).kind, "container");
    // Fields the engine did not report do not count against it.
    assert.equal(chooseDeployBacking({ available: true, reason: "" }).kind, "container");
    const none = chooseDeployBacking({ available: false, reason: "no Docker engine here" });
    assert.deepEqual(none, { kind: "local", reason: "no Docker engine here" });
    const remote = chooseDeployBacking({ ...native, host: "10.0.0.7" });
    assert.equal(remote.kind, "local");
    assert.match(remote.reason, /not on this machine \(10\.0\.0\.7\)/);
    const desktop = chooseDeployBacking({ ...native, operatingSystem: "Docker Desktop" });
    assert.equal(desktop.kind, "local");
    assert.match(desktop.reason, /Docker Desktop/);
    const rootless = chooseDeployBacking({ ...native, socketPath: "/run/user/1000/docker.sock" });
    assert.equal(rootless.kind, "local");
    assert.match(rootless.reason, /rootless/);
  });
});
