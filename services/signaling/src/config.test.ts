import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "@switchboard/runtime";
import { apiDocsEnabled, checkSignalingConfig, signalingConfigSpec } from "./config.js";

const load = (env: Record<string, string>) =>
  loadConfig(signalingConfigSpec, { env, check: checkSignalingConfig });

describe("signaling config", () => {
  it("has working defaults", () => {
    const c = load({});
    assert.equal(c.port, 8080);
    assert.equal(c.allowAnonymous, true);
    assert.equal(c.redisUrl, undefined);
    assert.deepEqual(c.turnSecret, []);
  });
  it("takes TURN_SECRET as a comma-separated list (the first signs), like the TURN service", () => {
    assert.deepEqual(load({ TURN_SECRET: "new, old" }).turnSecret, ["new", "old"]);
    assert.deepEqual(load({ TURN_SECRET: "only" }).turnSecret, ["only"]);
    assert.throws(
      () => load({ TURN_URLS: "turn:a:3478", TURN_SECRET: " , " }),
      /TURN_URLS needs TURN_SECRET/,
    );
  });
  it("takes turnSecret from a config file as one string (as before) or an array", () => {
    const dir = mkdtempSync(join(tmpdir(), "sig-config-"));
    try {
      const file = join(dir, "c.json");
      writeFileSync(file, JSON.stringify({ turnSecret: "one" }));
      assert.deepEqual(loadConfig(signalingConfigSpec, { env: {}, file }).turnSecret, ["one"]);
      writeFileSync(file, JSON.stringify({ turnSecret: ["new", "old"] }));
      assert.deepEqual(loadConfig(signalingConfigSpec, { env: {}, file }).turnSecret, ["new", "old"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("lists every problem", () => {
    try {
      load({ SIGNALING_PORT: "x", TURN_URLS: "http://nope", ALLOW_ANONYMOUS: "false" });
      assert.fail("should throw");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 2);
    }
    assert.throws(() => load({ ALLOW_ANONYMOUS: "false" }), /needs JWT_SECRET/);
    assert.throws(() => load({ TURN_URLS: "turn:a:3478" }), /TURN_URLS needs TURN_SECRET/);
    assert.throws(() => load({ JWT_SECRET: "a", JWT_PUBLIC_KEY: "b" }), /not both/);
  });
  it("serves the API docs unless NODE_ENV=production, SIGNALING_API_DOCS overriding either way", () => {
    assert.equal(apiDocsEnabled(load({})), true);
    assert.equal(apiDocsEnabled(load({ NODE_ENV: "production" })), false);
    assert.equal(apiDocsEnabled(load({ NODE_ENV: "production", SIGNALING_API_DOCS: "on" })), true);
    assert.equal(apiDocsEnabled(load({ SIGNALING_API_DOCS: "off" })), false);
    assert.throws(() => load({ SIGNALING_API_DOCS: "yes" }), /SIGNALING_API_DOCS/);
  });
});
