import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { FilteringBehavior, MappingBehavior, NatType } from "./nat-info.js";
import { expectDirect, getRecommendedStrategy, natProfile, type Strategy } from "./strategy.js";

interface Side {
  udpBlocked: boolean;
  mapping: MappingBehavior;
  filtering: FilteringBehavior;
  natType: NatType;
}
const side = (natType: NatType, mapping: MappingBehavior, filtering: FilteringBehavior): Side => ({
  udpBlocked: false,
  mapping,
  filtering,
  natType,
});
const EIM = "endpoint-independent";
const open = side("open", EIM, "endpoint-independent");
const full = side("full-cone", EIM, "endpoint-independent");
const restricted = side("restricted-cone", EIM, "address-dependent");
const portRestricted = side("port-restricted-cone", EIM, "address-and-port-dependent");
const symmetric = side("symmetric", "address-and-port-dependent", "address-and-port-dependent");
const blocked: Side = { udpBlocked: true, mapping: "unknown", filtering: "unknown", natType: "udp-blocked" };
const unknown = side("unknown", "unknown", "unknown");

describe("expectDirect and the pair strategy", () => {
  // [a, b, direct expected, strategy]
  const cases: Array<[Side, Side, boolean | undefined, Strategy]> = [
    [open, open, true, "direct"],
    [open, symmetric, true, "direct"],
    [full, portRestricted, true, "direct"],
    [full, symmetric, true, "direct"],
    [restricted, restricted, true, "hole-punching"],
    [restricted, portRestricted, true, "hole-punching"],
    [restricted, symmetric, true, "hole-punching"],
    [portRestricted, portRestricted, true, "hole-punching"],
    [portRestricted, symmetric, false, "turn"],
    [symmetric, symmetric, false, "turn"],
    [blocked, open, false, "turn"],
    [unknown, open, undefined, "hole-punching"],
    [
      side("symmetric", "endpoint-dependent", "unknown"),
      side("unknown", EIM, "unknown"),
      undefined,
      "hole-punching",
    ],
  ];
  for (const [a, b, direct, strategy] of cases) {
    it(`${a.natType} ↔ ${b.natType}: direct ${String(direct)}, ${strategy}`, () => {
      assert.equal(expectDirect(a, b), direct);
      assert.equal(expectDirect(b, a), direct, "symmetric in its arguments");
      const advice = getRecommendedStrategy(a, b);
      assert.equal(advice.strategy, strategy);
      assert.equal(advice.directExpected, direct);
      assert.equal(getRecommendedStrategy(b, a).strategy, strategy);
      assert.ok(advice.reason.length > 0);
    });
  }
});

describe("the strategy for one host", () => {
  const cases: Array<[Side, Strategy]> = [
    [open, "direct"],
    [full, "direct"],
    [restricted, "hole-punching"],
    [portRestricted, "hole-punching"],
    [symmetric, "turn"],
    [blocked, "turn"],
    [unknown, "hole-punching"],
  ];
  for (const [s, strategy] of cases) {
    it(`${s.natType} → ${strategy}`, () => {
      const advice = getRecommendedStrategy(s);
      assert.equal(advice.strategy, strategy);
      assert.equal(advice.directExpected, undefined);
    });
  }
});

describe("natProfile", () => {
  it("gives each classic name back its behaviours", () => {
    assert.deepEqual(natProfile("restricted-cone"), restricted);
    assert.deepEqual(natProfile("port-restricted-cone"), portRestricted);
    assert.deepEqual(natProfile("symmetric"), symmetric);
    assert.equal(natProfile("udp-blocked").udpBlocked, true);
    assert.equal(
      getRecommendedStrategy(natProfile("symmetric"), natProfile("port-restricted-cone")).strategy,
      "turn",
    );
  });
});
