import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { exponentialBackoff } from "./backoff.js";
import { canTransition } from "./state.js";

describe("exponentialBackoff", () => {
  it("retries at once, then doubles up to the cap", () => {
    const p = exponentialBackoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((a) => p.nextDelayMs(a, 0)),
      [0, 100, 200, 400, 800, 1000, 1000],
    );
  });
  it("jitters within ±jitter and gives up after the deadline", () => {
    const lo = exponentialBackoff({ initialMs: 1000, jitter: 0.5, random: () => 0 });
    const hi = exponentialBackoff({ initialMs: 1000, jitter: 0.5, random: () => 1 });
    assert.equal(lo.nextDelayMs(1, 0), 500);
    assert.equal(hi.nextDelayMs(1, 0), 1500);
    assert.equal(lo.nextDelayMs(3, 300_000), null);
  });
});

describe("signaling state machine", () => {
  it("allows the documented transitions only", () => {
    assert.ok(canTransition("connecting", "open"));
    assert.ok(canTransition("open", "resuming"));
    assert.ok(canTransition("resuming", "rejoining"));
    assert.ok(canTransition("rejoining", "open"));
    assert.ok(!canTransition("closed", "open"));
    assert.ok(!canTransition("connecting", "rejoining"));
  });
});
