import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { AttributeType } from "../constants.js";
import { StunDecodeError, StunEncodeError } from "../errors.js";
import {
  addressAttribute,
  decodeAddress,
  decodeXorAddress,
  encodeAddress,
  encodeXorAddress,
  xorAddressAttribute,
} from "./address.js";

const tid = Uint8Array.from([0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae]);
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("MAPPED-ADDRESS family (RFC 8489 §14.1)", () => {
  it("encodes and decodes IPv4 and IPv6", () => {
    const v4 = { family: "IPv4", address: "192.0.2.1", port: 32853 } as const;
    assert.equal(hex(encodeAddress(v4)), "00018055c0000201");
    assert.deepEqual(decodeAddress(encodeAddress(v4)), v4);
    const v6 = { family: "IPv6", address: "2001:db8::1", port: 1 } as const;
    assert.equal(hex(encodeAddress(v6)), "0002000120010db8000000000000000000000001");
    assert.deepEqual(decodeAddress(encodeAddress(v6)), v6);
    assert.equal(addressAttribute(AttributeType.OtherAddress, v4).type, AttributeType.OtherAddress);
  });
  it("drops a zone id and normalises the text", () => {
    const out = decodeAddress(encodeAddress({ family: "IPv6", address: "FE80:0:0::1%eth0", port: 5 }));
    assert.equal(out.address, "fe80::1");
  });
  it("rejects bad values", () => {
    assert.throws(() => decodeAddress(Uint8Array.of(0, 1, 0)), StunDecodeError);
    assert.throws(() => decodeAddress(Uint8Array.of(0, 1, 0, 1, 1, 2, 3)), StunDecodeError);
    assert.throws(() => decodeAddress(Uint8Array.of(0, 3, 0, 1, 1, 2, 3, 4)), StunDecodeError);
    assert.throws(() => decodeAddress(new Uint8Array(8).fill(2, 1, 2)), StunDecodeError);
    assert.throws(() => encodeAddress({ family: "IPv4", address: "::1", port: 1 }), StunEncodeError);
    assert.throws(() => encodeAddress({ family: "IPv6", address: "1.2.3.4", port: 1 }), StunEncodeError);
    assert.throws(() => encodeAddress({ family: "IPv4", address: "1.2.3.4", port: 65536 }), StunEncodeError);
  });
});

describe("XOR-MAPPED-ADDRESS family (RFC 8489 §14.2)", () => {
  it("matches RFC 5769 §2.2 and §2.3", () => {
    const v4 = { family: "IPv4", address: "192.0.2.1", port: 32853 } as const;
    assert.equal(hex(encodeXorAddress(v4, tid)), "0001a147e112a643");
    const v6 = { family: "IPv6", address: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 } as const;
    assert.equal(hex(encodeXorAddress(v6, tid)), "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9");
    assert.deepEqual(decodeXorAddress(encodeXorAddress(v6, tid), tid), v6);
    const attr = xorAddressAttribute(AttributeType.XorPeerAddress, v4, tid);
    assert.deepEqual(decodeXorAddress(attr.value, tid, attr.type), v4);
  });
  it("reports the attribute type on errors", () => {
    try {
      decodeXorAddress(Uint8Array.of(0, 2, 0, 0), tid, AttributeType.XorRelayedAddress);
      assert.fail("should throw");
    } catch (e) {
      assert.ok(e instanceof StunDecodeError);
      assert.equal(e.attributeType, AttributeType.XorRelayedAddress);
    }
  });
});
