import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { PortPool, RESERVATION_LIFETIME_MS } from "./port-pool.js";

describe("port pool", () => {
  it("offers every free port of the range once, skipping taken ones", () => {
    const pool = new PortPool({ min: 50000, max: 50009, clock: new ManualClock() });
    pool.take(50003);
    const ports = [...pool.candidates()].sort();
    assert.equal(ports.length, 9);
    assert.ok(!ports.includes(50003));
  });
  it("offers even ports with a free successor for EVEN-PORT with R", () => {
    const pool = new PortPool({ min: 50000, max: 50005, clock: new ManualClock() });
    pool.take(50003);
    assert.deepEqual([...pool.candidates({ even: true, pairFree: true })].sort(), [50000, 50004]);
  });
  it("reservations are redeemed once and expire after 30 s", () => {
    const clock = new ManualClock();
    const pool = new PortPool({ min: 50000, max: 50009, clock });
    const token = pool.reserve(50001);
    assert.equal(pool.redeem(token), 50001);
    assert.equal(pool.redeem(token), undefined);
    assert.equal(pool.inUse, 1);
    const t2 = pool.reserve(50005);
    clock.advance(RESERVATION_LIFETIME_MS);
    assert.equal(pool.redeem(t2), undefined);
    assert.equal(pool.inUse, 1);
  });
});
