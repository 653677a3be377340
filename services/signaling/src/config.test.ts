import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "@switchboard/runtime";
import { checkSignalingConfig, signalingConfigSpec } from "./config.js";

const load = (env: Record<string, string>) =>
  loadConfig(signalingConfigSpec, { env, check: checkSignalingConfig });

describe("signaling config", () => {
  it("has working defaults", () => {
    const c = load({});
    assert.equal(c.port, 8080);
    assert.equal(c.allowAnonymous, true);
    assert.equal(c.redisUrl, undefined);
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
});
