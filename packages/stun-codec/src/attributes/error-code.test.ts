import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { StunDecodeError, StunEncodeError } from "../errors.js";
import {
  decodeAddressErrorCode,
  decodeErrorCode,
  encodeAddressErrorCode,
  encodeErrorCode,
  errorCodeAttribute,
} from "./error-code.js";

describe("ERROR-CODE (RFC 8489 §14.8)", () => {
  it("splits class and number and uses the default phrase", () => {
    const v = encodeErrorCode(438);
    assert.deepEqual([...v.subarray(0, 4)], [0, 0, 4, 38]);
    assert.deepEqual(decodeErrorCode(v), { code: 438, reason: "Stale Nonce" });
    assert.deepEqual(decodeErrorCode(errorCodeAttribute(300, "go there").value), {
      code: 300,
      reason: "go there",
    });
  });
  it("limits the reason (509 bytes and 127 characters sent, 763 bytes read) and codes to 300-699", () => {
    assert.doesNotThrow(() => encodeErrorCode(500, "x".repeat(127)));
    assert.throws(() => encodeErrorCode(500, "x".repeat(128)), StunEncodeError);
    assert.doesNotThrow(() => encodeErrorCode(500, "\u30de".repeat(127))); // 381 bytes
    assert.doesNotThrow(() => encodeErrorCode(500, "\u{1f600}".repeat(127))); // 508 bytes, 127 characters
    const long = new Uint8Array(4 + 763).fill(0x61);
    long[2] = 5;
    assert.equal(decodeErrorCode(long).reason.length, 763);
    const tooLong = new Uint8Array(4 + 764).fill(0x61);
    tooLong[2] = 5;
    assert.throws(() => decodeErrorCode(tooLong), StunDecodeError);
    assert.throws(() => encodeErrorCode(299), StunEncodeError);
    assert.throws(() => encodeErrorCode(700), StunEncodeError);
    assert.throws(() => decodeErrorCode(Uint8Array.of(0, 0, 2, 0)), StunDecodeError);
    assert.throws(() => decodeErrorCode(Uint8Array.of(0, 0, 4, 100)), StunDecodeError);
    assert.throws(() => decodeErrorCode(Uint8Array.of(0, 0, 4)), StunDecodeError);
    assert.throws(() => decodeErrorCode(Uint8Array.of(0, 0, 4, 0, 0xff)), StunDecodeError);
  });
});

describe("ADDRESS-ERROR-CODE (RFC 8656 §18.12)", () => {
  it("carries the family in the first byte", () => {
    const v = encodeAddressErrorCode(2, 440);
    assert.equal(v[0], 2);
    assert.deepEqual(decodeAddressErrorCode(v), {
      family: 2,
      code: 440,
      reason: "Address Family not Supported",
    });
    assert.throws(() => encodeAddressErrorCode(3, 440), StunEncodeError);
  });
});
