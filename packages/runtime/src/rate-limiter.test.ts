import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "./clock.js";
import { KeyedRateLimiter, TokenBucket } from "./rate-limiter.js";

describe("TokenBucket", () => {
  it("allows a burst, then refills with time", () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 }, clock);
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false]);
    clock.advance(500);
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
  });
});

describe("KeyedRateLimiter", () => {
  it("keeps buckets apart per key and bounds how many keys it holds", () => {
    const clock = new ManualClock();
    const rl = new KeyedRateLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 100 }, clock);
    assert.equal(rl.allow("a"), true);
    assert.equal(rl.allow("a"), false);
    assert.equal(rl.allow("b"), true);
    for (let i = 0; i < 1000; i++) rl.allow(`k${i}`);
    assert.equal(rl.size, 100);
    clock.advance(1000);
    assert.equal(rl.allow("k999"), true);
  });
});
