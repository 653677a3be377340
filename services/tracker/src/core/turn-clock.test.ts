import assert from "node:assert/strict";
import { setImmediate as nextMacrotask } from "node:timers/promises";
import { describe, it } from "@jest/globals";
import { ManualClock } from "@switchboard/runtime";
import { TurnClock } from "./turn-clock.js";

describe("TurnClock", () => {
  it("reads its source once per turn and again in the next turn", async () => {
    const source = new ManualClock(1_000);
    let reads = 0;
    const clock = new TurnClock({ now: () => (reads++, source.now()) });
    assert.equal(clock.now(), 1_000);
    source.advance(5_000);
    assert.equal(clock.now(), 1_000, "the same turn keeps its reading");
    assert.equal(reads, 1);
    await nextMacrotask();
    assert.equal(clock.now(), 6_000, "a later turn reads the source again");
    assert.equal(reads, 2);
  });

  it("moves on after a microtask boundary too (a promise continuation is later work)", async () => {
    const source = new ManualClock(0);
    const clock = new TurnClock(source);
    assert.equal(clock.now(), 0);
    source.advance(1_000);
    await Promise.resolve();
    assert.equal(clock.now(), 1_000);
  });
});
