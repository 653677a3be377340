import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { addressToBytes, bytesToAddress, isMappedIPv4 } from "./peer-address.js";

describe("peer addresses", () => {
  const roundTrips = [
    "127.0.0.1",
    "10.1.2.3",
    "::1",
    "2001:db8::8:1",
    "fe80::1:2:3:4",
    "1:2:3:4:5:6:7:8",
    "::",
  ];
  for (const text of roundTrips) {
    it(`round-trips ${text}`, () => {
      const bytes = addressToBytes(text);
      assert.ok(bytes);
      assert.equal(bytesToAddress(bytes), text);
    });
  }

  it("stores IPv4 as IPv4-mapped and reads mapped IPv6 text as IPv4", () => {
    const a = addressToBytes("192.168.1.9");
    const b = addressToBytes("::ffff:192.168.1.9");
    assert.ok(a && b);
    assert.deepEqual(a, b);
    assert.ok(isMappedIPv4(a));
    assert.equal(bytesToAddress(b), "192.168.1.9");
  });

  it("drops zone ids", () => {
    assert.equal(bytesToAddress(addressToBytes("fe80::1%eth0") ?? new Uint8Array(16)), "fe80::1");
  });

  for (const bad of [
    "",
    "1.2.3",
    "256.1.1.1",
    "1.2.3.4.5",
    "::1::2",
    "12345::",
    "g::1",
    "1:2:3:4:5:6:7:8:9",
    "a.b.c.d",
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(addressToBytes(bad), undefined));
  }
});
