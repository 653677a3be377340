import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { StunDecodeError, StunEncodeError } from "../errors.js";
import {
  decodeAdditionalAddressFamily,
  decodeChannelNumber,
  decodeConnectionId,
  decodeEvenPort,
  decodeIcmp,
  decodeLifetime,
  decodeRequestedAddressFamily,
  decodeRequestedTransport,
  decodeReservationToken,
  encodeAdditionalAddressFamily,
  encodeChannelNumber,
  encodeConnectionId,
  encodeEvenPort,
  encodeIcmp,
  encodeLifetime,
  encodeRequestedAddressFamily,
  encodeRequestedTransport,
  isValidChannelNumber,
} from "./turn.js";

describe("TURN attributes (RFC 8656 §18, RFC 6062)", () => {
  it("CHANNEL-NUMBER", () => {
    assert.deepEqual([...encodeChannelNumber(0x4001)], [0x40, 0x01, 0, 0]);
    assert.equal(decodeChannelNumber(encodeChannelNumber(0x4fff)), 0x4fff);
    assert.ok(isValidChannelNumber(0x4000) && isValidChannelNumber(0x4fff));
    assert.ok(!isValidChannelNumber(0x3fff) && !isValidChannelNumber(0x5000));
    assert.ok(isValidChannelNumber(0x7fff, { legacyChannelRange: true }));
    assert.ok(!isValidChannelNumber(0x8000, { legacyChannelRange: true }));
    assert.throws(() => decodeChannelNumber(Uint8Array.of(0x40, 0)), StunDecodeError);
  });
  it("LIFETIME and CONNECTION-ID", () => {
    assert.equal(decodeLifetime(encodeLifetime(600)), 600);
    assert.equal(decodeConnectionId(encodeConnectionId(0xffffffff)), 0xffffffff);
    assert.throws(() => encodeLifetime(2 ** 32), StunEncodeError);
    assert.throws(() => decodeLifetime(new Uint8Array(5)), StunDecodeError);
  });
  it("REQUESTED-TRANSPORT", () => {
    assert.deepEqual([...encodeRequestedTransport(17)], [17, 0, 0, 0]);
    assert.equal(decodeRequestedTransport(encodeRequestedTransport(6)), 6);
    assert.throws(() => decodeRequestedTransport(Uint8Array.of(17)), StunDecodeError);
  });
  it("REQUESTED-/ADDITIONAL-ADDRESS-FAMILY", () => {
    assert.equal(decodeRequestedAddressFamily(encodeRequestedAddressFamily(2)), 2);
    assert.equal(decodeAdditionalAddressFamily(encodeAdditionalAddressFamily(2)), 2);
    assert.equal(
      decodeRequestedAddressFamily(Uint8Array.of(9, 0, 0, 0)),
      9,
      "raw value kept for a 440 reply",
    );
    assert.throws(() => encodeRequestedAddressFamily(3), StunEncodeError);
  });
  it("EVEN-PORT, RESERVATION-TOKEN, ICMP", () => {
    assert.deepEqual(decodeEvenPort(encodeEvenPort(true)), { reserveNext: true });
    assert.deepEqual(decodeEvenPort(encodeEvenPort(false)), { reserveNext: false });
    assert.throws(() => decodeEvenPort(new Uint8Array(0)), StunDecodeError);
    assert.throws(() => decodeEvenPort(new Uint8Array(5)), StunDecodeError);
    assert.equal(decodeReservationToken(new Uint8Array(8)).length, 8);
    assert.throws(() => decodeReservationToken(new Uint8Array(4)), StunDecodeError);
    const icmp = { icmpType: 3, icmpCode: 4, errorData: 1400 };
    assert.deepEqual(decodeIcmp(encodeIcmp(icmp)), icmp);
    assert.throws(() => encodeIcmp({ ...icmp, icmpType: 256 }), StunEncodeError);
    assert.throws(() => decodeIcmp(new Uint8Array(4)), StunDecodeError);
  });
});
