import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ConnectionGate, addressBucket } from "./connection-gate.js";

describe("connection gate", () => {
  it("caps per address and in total, and frees slots on release", () => {
    const gate = new ConnectionGate({ maxTotal: 4, maxPerAddress: 2 });
    assert.equal(gate.admit("192.0.2.1"), undefined);
    assert.equal(gate.admit("192.0.2.1"), undefined);
    assert.equal(gate.admit("192.0.2.1"), "address_limit");
    assert.equal(gate.admit("192.0.2.2"), undefined);
    assert.equal(gate.admit("2001:db8:1:2::1"), undefined);
    assert.equal(gate.admit("2001:db8:9::1"), "limit");
    gate.release("192.0.2.1");
    assert.equal(gate.total, 3);
    assert.equal(gate.admit("192.0.2.1"), undefined);
    gate.release("198.51.100.1"); // never admitted: no effect
    assert.equal(gate.total, 4);
  });

  it("counts IPv6 clients per /64 and IPv4-mapped ones as IPv4", () => {
    assert.equal(addressBucket("2001:db8:1:2:aaaa::1"), addressBucket("2001:db8:1:2:bbbb::2"));
    assert.notEqual(addressBucket("2001:db8:1:2::1"), addressBucket("2001:db8:1:3::1"));
    assert.equal(addressBucket("::ffff:192.0.2.1"), "192.0.2.1");
    const gate = new ConnectionGate({ maxTotal: 10, maxPerAddress: 1 });
    assert.equal(gate.admit("2001:db8:1:2::1"), undefined);
    assert.equal(gate.admit("2001:db8:1:2::ffff"), "address_limit");
  });
});
