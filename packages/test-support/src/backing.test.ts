import { afterEach, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { containerEngine, deployBacking, redisBacking } from "./backing.js";

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
    assert.equal(await deployBacking(), expected);
    if (!engine.available) assert.match(engine.reason, /Docker|SWITCHBOARD_NO_CONTAINERS/);
    // No socket and no DOCKER_HOST: decided without importing testcontainers, and never "available".
    if (!process.env.DOCKER_HOST && !existsSync("/var/run/docker.sock"))
      assert.equal(engine.available, false);
  });

  it("asks once per process", async () => {
    assert.equal(containerEngine(), containerEngine());
    assert.ok((await containerEngine()) === (await containerEngine()));
  });
});
