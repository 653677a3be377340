import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  classicName,
  classify,
  classifyFiltering,
  classifyMapping,
  type NatObservations,
} from "./classify.js";
import type { FilteringBehavior, MappingBehavior, NatType } from "./nat-info.js";

const m1 = { address: "198.51.100.7", port: 40000 };
const other = { address: "203.0.113.2", port: 3479 };
const behindNat: NatObservations = {
  server: "203.0.113.1:3478",
  serverAddress: "203.0.113.1",
  localAddress: { address: "0.0.0.0", port: 5000 },
  localAddresses: ["127.0.0.1", "10.0.0.2"],
  testI: { mapped: m1, otherAddress: other },
  otherServers: [],
};

describe("classifyMapping (RFC 5780 §4.3)", () => {
  const cases: Array<[string, Partial<NatObservations>, MappingBehavior]> = [
    ["test II sees the same mapping", { testII: m1 }, "endpoint-independent"],
    [
      "II differs, III equals II",
      { testII: { ...m1, port: 1 }, testIII: { ...m1, port: 1 } },
      "address-dependent",
    ],
    [
      "II and III differ",
      { testII: { ...m1, port: 1 }, testIII: { ...m1, port: 2 } },
      "address-and-port-dependent",
    ],
    ["II differs, III unanswered", { testII: { ...m1, port: 1 }, testIII: null }, "endpoint-dependent"],
    ["II unanswered", { testII: null }, "unknown"],
  ];
  for (const [name, extra, expected] of cases) {
    it(name, () => assert.equal(classifyMapping({ ...behindNat, ...extra }, true), expected));
  }

  it("without RFC 5780, compares servers at other addresses", () => {
    const base = { ...behindNat, testI: { mapped: m1 } };
    assert.equal(classifyMapping(base, true), "unknown");
    const same = { ...base, otherServers: [{ serverAddress: "192.0.2.9", mapped: m1 }] };
    assert.equal(classifyMapping(same, true), "endpoint-independent");
    const moved = { ...base, otherServers: [{ serverAddress: "192.0.2.9", mapped: { ...m1, port: 9 } }] };
    assert.equal(classifyMapping(moved, true), "endpoint-dependent");
    // A second port of the same server address says nothing about address dependence.
    const sameIp = { ...base, otherServers: [{ serverAddress: "203.0.113.1", mapped: m1 }] };
    assert.equal(classifyMapping(sameIp, true), "unknown");
  });

  it("no NAT is endpoint-independent without further tests", () => {
    assert.equal(classifyMapping({ ...behindNat, testII: null }, false), "endpoint-independent");
  });
});

describe("classifyFiltering (RFC 5780 §4.4)", () => {
  const cases: Array<[boolean | undefined, boolean | undefined, FilteringBehavior]> = [
    [true, true, "endpoint-independent"],
    [true, undefined, "endpoint-independent"],
    [false, true, "address-dependent"],
    [false, false, "address-and-port-dependent"],
    [false, undefined, "unknown"],
    [undefined, true, "unknown"],
  ];
  for (const [ipPort, port, expected] of cases) {
    it(`change IP+port ${String(ipPort)}, port ${String(port)} → ${expected}`, () => {
      const o: NatObservations = {
        ...behindNat,
        ...(ipPort !== undefined && { filterChangeIpPort: ipPort }),
        ...(port !== undefined && { filterChangePort: port }),
      };
      assert.equal(classifyFiltering(o), expected);
    });
  }
});

describe("classicName", () => {
  const cases: Array<[MappingBehavior, FilteringBehavior, boolean | undefined, NatType]> = [
    ["endpoint-independent", "endpoint-independent", false, "open"],
    ["endpoint-independent", "unknown", false, "open"],
    ["endpoint-independent", "address-and-port-dependent", false, "port-restricted-cone"],
    ["endpoint-independent", "endpoint-independent", true, "full-cone"],
    ["endpoint-independent", "address-dependent", true, "restricted-cone"],
    ["endpoint-independent", "address-and-port-dependent", true, "port-restricted-cone"],
    ["endpoint-independent", "unknown", true, "unknown"],
    ["address-dependent", "address-and-port-dependent", true, "symmetric"],
    ["address-and-port-dependent", "endpoint-independent", true, "symmetric"],
    ["endpoint-dependent", "unknown", true, "symmetric"],
    ["unknown", "endpoint-independent", true, "unknown"],
  ];
  for (const [mapping, filtering, nat, expected] of cases) {
    it(`${mapping} + ${filtering} (NAT ${String(nat)}) → ${expected}`, () =>
      assert.equal(classicName(mapping, filtering, nat), expected));
  }
});

describe("classify", () => {
  it("a port-restricted cone, with hairpinning", () => {
    const info = classify({
      ...behindNat,
      testII: m1,
      filterChangeIpPort: false,
      filterChangePort: false,
      hairpin: true,
    });
    assert.deepEqual(info, {
      udpBlocked: false,
      publicAddress: m1,
      localAddress: behindNat.localAddress,
      natPresent: true,
      mapping: "endpoint-independent",
      filtering: "address-and-port-dependent",
      natType: "port-restricted-cone",
      hairpinning: true,
      rfc5780: true,
      server: "203.0.113.1:3478",
      undetermined: [],
    });
  });

  it("no answer at all is UDP blocked", () => {
    const info = classify({ ...behindNat, testI: null });
    assert.equal(info.udpBlocked, true);
    assert.equal(info.natType, "udp-blocked");
    assert.equal(info.publicAddress, undefined);
    assert.equal(info.undetermined.length, 1);
  });

  it("a one-address server: public address known, behaviour not, and says so", () => {
    const info = classify({ ...behindNat, testI: { mapped: m1 } });
    assert.equal(info.rfc5780, false);
    assert.deepEqual(info.publicAddress, m1);
    assert.equal(info.natType, "unknown");
    assert.equal(info.undetermined.length, 3, info.undetermined.join("; "));
    assert.match(info.undetermined[0] ?? "", /^mapping behaviour: .*RFC 5780/);
    assert.match(info.undetermined[1] ?? "", /^filtering behaviour: .*RFC 5780/);
    assert.match(info.undetermined[2] ?? "", /^hairpinning/);
  });

  it("our own address with the same port is no NAT; with another port it is one", () => {
    const local = { address: "10.0.0.2", port: 5000 };
    assert.equal(classify({ ...behindNat, testI: { mapped: local } }).natPresent, false);
    assert.equal(classify({ ...behindNat, testI: { mapped: { ...local, port: 5001 } } }).natPresent, true);
    const unbound = { ...behindNat, localAddress: { address: "0.0.0.0", port: 0 }, testI: { mapped: local } };
    const info = classify(unbound);
    assert.equal(info.natPresent, undefined);
    assert.ok(info.undetermined.some((s) => s.startsWith("whether a NAT is present")));
  });
});
