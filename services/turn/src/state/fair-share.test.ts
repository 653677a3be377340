import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { FairShareLimiter, type FairShareOptions, type RelayFlow } from "./fair-share.js";

const PACKET = 1000;

const limiter = (clock: ManualClock, opts: Partial<FairShareOptions> = {}) =>
  new FairShareLimiter({
    clock,
    totalBytesPerSecond: 0,
    userBytesPerSecond: 0,
    userBurstBytes: 0,
    allocationBytesPerSecond: 0,
    ...opts,
  });

/**
 * Offers each flow its rate (bytes/s) in PACKET-sized datagrams, 1 ms steps of the fake clock, and returns the
 * bytes/s admitted per flow over `seconds` (after one second of warm-up that is not counted).
 */
function simulate(clock: ManualClock, flows: Array<{ flow: RelayFlow; rate: number }>, seconds: number) {
  const admitted = flows.map(() => 0);
  const owed = flows.map(() => 0);
  const warmupMs = 1000;
  for (let ms = 0; ms < warmupMs + seconds * 1000; ms++) {
    clock.advance(1);
    // Interleave the flows packet by packet, as datagrams from several sockets would arrive.
    let more = true;
    flows.forEach((f, i) => (owed[i] = (owed[i] ?? 0) + f.rate / 1000));
    while (more) {
      more = false;
      flows.forEach((f, i) => {
        if ((owed[i] ?? 0) < PACKET) return;
        owed[i] = (owed[i] ?? 0) - PACKET;
        more = true;
        if (f.flow.admit(PACKET) === undefined && ms >= warmupMs) admitted[i] = (admitted[i] ?? 0) + PACKET;
      });
    }
  }
  return admitted.map((b) => b / seconds);
}

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= expected * tolerance,
    `${what}: ${Math.round(actual)} B/s, expected ${expected} ±${tolerance * 100}%`,
  );

const must = (f: RelayFlow | undefined): RelayFlow => {
  assert.ok(f !== undefined);
  return f;
};

describe("FairShareLimiter", () => {
  it("meters nothing when no budget is set", () => {
    const clock = new ManualClock();
    const l = limiter(clock);
    assert.equal(l.limited, false);
    assert.equal(l.open("u:a"), undefined);
  });

  it("lets one transfer use the whole capacity", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { totalBytesPerSecond: 1_000_000 });
    const a = must(l.open("u:a"));
    const [got] = simulate(clock, [{ flow: a, rate: 3_000_000 }], 3);
    near(got ?? 0, 1_000_000, 0.05, "single flow");
  });

  it("splits the capacity evenly between two greedy users whatever they offer", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { totalBytesPerSecond: 1_000_000 });
    const a = must(l.open("u:a"));
    const b = must(l.open("u:b"));
    const [ga, gb] = simulate(
      clock,
      [
        { flow: a, rate: 4_000_000 },
        { flow: b, rate: 1_500_000 },
      ],
      3,
    );
    near(ga ?? 0, 500_000, 0.1, "heavy user");
    near(gb ?? 0, 500_000, 0.1, "lighter greedy user");
    assert.equal(l.activeUsers, 2);
  });

  it("is max-min fair: a light user keeps its rate, the greedy one gets the rest", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { totalBytesPerSecond: 1_000_000 });
    const a = must(l.open("u:a"));
    const b = must(l.open("u:b"));
    const [ga, gb] = simulate(
      clock,
      [
        { flow: a, rate: 5_000_000 },
        { flow: b, rate: 200_000 },
      ],
      3,
    );
    near(gb ?? 0, 200_000, 0.05, "light user");
    near(ga ?? 0, 800_000, 0.1, "greedy user");
  });

  it("gives a user one share however many allocations it opens", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { totalBytesPerSecond: 1_200_000 });
    const many = [0, 1, 2, 3, 4].map(() => ({ flow: must(l.open("r:hog")), rate: 2_000_000 }));
    const one = { flow: must(l.open("r:other")), rate: 2_000_000 };
    const got = simulate(clock, [...many, one], 3);
    const hog = got.slice(0, 5).reduce((s, x) => s + x, 0);
    near(hog, 600_000, 0.15, "five allocations of one user together");
    near(got[5] ?? 0, 600_000, 0.15, "one allocation of another user");
    for (const g of got.slice(0, 5)) near(g, 120_000, 0.3, "each of the five");
  });

  it("hands the share of a user that went quiet back to the others", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { totalBytesPerSecond: 1_000_000 });
    const a = must(l.open("u:a"));
    const b = must(l.open("u:b"));
    simulate(
      clock,
      [
        { flow: a, rate: 2_000_000 },
        { flow: b, rate: 2_000_000 },
      ],
      1,
    );
    assert.equal(l.activeUsers, 2);
    const [ga] = simulate(clock, [{ flow: a, rate: 2_000_000 }], 2);
    near(ga ?? 0, 1_000_000, 0.05, "the remaining user");
    assert.equal(l.activeUsers, 1);
    assert.equal(a.fairShare, 1_000_000);
  });

  it("caps one user's allocations together at the per-user budget after its burst", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { userBytesPerSecond: 100_000, userBurstBytes: 300_000 });
    const a1 = must(l.open("r:u"));
    const a2 = must(l.open("r:u"));
    let burst = 0;
    while (a1.admit(PACKET) === undefined) burst += PACKET;
    assert.equal(burst, 300_000);
    assert.equal(a2.admit(PACKET), "user");
    const [g1, g2] = simulate(
      clock,
      [
        { flow: a1, rate: 500_000 },
        { flow: a2, rate: 500_000 },
      ],
      3,
    );
    near((g1 ?? 0) + (g2 ?? 0), 100_000, 0.05, "the user's two allocations together");
    const other = must(l.open("r:v"));
    assert.equal(other.admit(PACKET), undefined, "another user has its own budget");
  });

  it("caps an allocation at the per-allocation budget", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { allocationBytesPerSecond: 50_000 });
    const a = must(l.open("u:a"));
    const [got] = simulate(clock, [{ flow: a, rate: 1_000_000 }], 3);
    near(got ?? 0, 50_000, 0.05, "capped allocation");
    assert.equal(a.admit(PACKET), "allocation");
  });

  it("spends nothing when one budget refuses", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { allocationBytesPerSecond: 100_000, userBytesPerSecond: 70_000 });
    const a = must(l.open("u:a"));
    let n = 0;
    while (a.admit(PACKET) === undefined) n++;
    assert.equal(n, 70, "the user bucket (one second of its cap) runs out first");
    assert.equal(a.admit(PACKET), "user");
    clock.advance(1000);
    n = 0;
    while (a.admit(PACKET) === undefined) n++;
    assert.equal(n, 70, "the allocation bucket was not charged for refused datagrams");
  });

  it("forgets users with their last allocation and tolerates double close", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { totalBytesPerSecond: 1_000_000 });
    const a = must(l.open("u:a"));
    const b = must(l.open("u:a"));
    assert.equal(l.users, 1);
    l.close(a);
    l.close(a);
    assert.equal(l.users, 1);
    l.close(b);
    assert.equal(l.users, 0);
  });

  it("survives a clock that steps backwards", () => {
    const clock = new ManualClock();
    const l = limiter(clock, { totalBytesPerSecond: 1_000_000 });
    const a = must(l.open("u:a"));
    simulate(clock, [{ flow: a, rate: 2_000_000 }], 1);
    clock.advance(-10_000);
    const [got] = simulate(clock, [{ flow: a, rate: 2_000_000 }], 1);
    assert.ok((got ?? 0) <= 1_100_000 && (got ?? 0) >= 800_000, `${got} B/s after a backwards step`);
  });

  it("refuses budgets that are negative or not finite", () => {
    const clock = new ManualClock();
    assert.throws(() => limiter(clock, { totalBytesPerSecond: -1 }), RangeError);
    assert.throws(() => limiter(clock, { userBytesPerSecond: Number.NaN }), RangeError);
  });
});
