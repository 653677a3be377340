import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ConfigError } from "@switchboard/runtime";
import { loadTrackerConfig } from "./config.js";

describe("tracker configuration", () => {
  it("has the documented defaults", () => {
    const c = loadTrackerConfig({});
    assert.equal(c.port, 8000);
    assert.equal(c.udpPort, 8000);
    assert.equal(c.scrapeAll, false);
    assert.equal(c.redisUrl, undefined);
  });

  it("reads the environment", () => {
    const c = loadTrackerConfig({
      TRACKER_PORT: "9000",
      TRACKER_INTERVAL: "300",
      TRACKER_PEER_TTL: "700",
      TRACKER_PASSKEYS: "aaaaaaaa,bbbbbbbb",
    });
    assert.deepEqual([c.port, c.interval, c.peerTtl, c.passkeys], [9000, 300, 700, ["aaaaaaaa", "bbbbbbbb"]]);
  });

  it("lists every problem at once", () => {
    assert.throws(
      () =>
        loadTrackerConfig({
          TRACKER_PORT: "x",
          TRACKER_ALLOWLIST: "/a",
          TRACKER_DENYLIST: "/b",
          TRACKER_NUMWANT_MAX: "0",
        }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /TRACKER_PORT/.test(err.message) &&
        /TRACKER_NUMWANT_MAX/.test(err.message),
    );
    assert.throws(
      () => loadTrackerConfig({ TRACKER_ALLOWLIST: "/a", TRACKER_DENYLIST: "/b" }),
      /one or the other/,
    );
    assert.throws(() => loadTrackerConfig({ TRACKER_INTERVAL: "600", TRACKER_PEER_TTL: "300" }), /longer/);
    // The limiter's pool (C: one entry per address, reserved at start) has a ceiling.
    assert.throws(
      () => loadTrackerConfig({ TRACKER_RATE_LIMIT_ADDRESSES: "16777217" }),
      /TRACKER_RATE_LIMIT_ADDRESSES/,
    );
    assert.equal(
      loadTrackerConfig({ TRACKER_RATE_LIMIT_ADDRESSES: "16777216" }).rateLimitAddresses,
      16_777_216,
    );
  });
});
