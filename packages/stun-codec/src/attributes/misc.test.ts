// UNKNOWN-ATTRIBUTES, PASSWORD-ALGORITHM(S), USERHASH, RFC 5780, ICE and the fixed-size helpers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AttributeType, PasswordAlgorithm } from "../constants.js";
import { StunDecodeError, StunEncodeError } from "../errors.js";
import { decodeTieBreaker, encodeTieBreaker, decodePriority, encodePriority } from "./ice.js";
import {
  decodeChangeRequest,
  decodeResponsePort,
  encodeChangeRequest,
  encodePadding,
  encodeResponsePort,
} from "./nat-behavior.js";
import { checkEmpty } from "./numbers.js";
import {
  computeUserhash,
  decodePasswordAlgorithm,
  decodePasswordAlgorithms,
  decodeUserhash,
  encodePasswordAlgorithm,
  encodePasswordAlgorithms,
} from "./password-algorithm.js";
import {
  decodeUnknownAttributes,
  encodeUnknownAttributes,
  unknownAttributesAttribute,
} from "./unknown-attributes.js";

describe("UNKNOWN-ATTRIBUTES (RFC 8489 §14.13)", () => {
  it("round-trips a list of types", () => {
    const v = encodeUnknownAttributes([0x7001, 0x0031, 0x0002]);
    assert.equal(v.length, 6);
    assert.deepEqual(decodeUnknownAttributes(v), [0x7001, 0x0031, 0x0002]);
    assert.equal(unknownAttributesAttribute([1]).type, AttributeType.UnknownAttributes);
    assert.throws(() => decodeUnknownAttributes(Uint8Array.of(1, 2, 3)), StunDecodeError);
    assert.throws(() => encodeUnknownAttributes([0x10000]), StunEncodeError);
  });
});

describe("PASSWORD-ALGORITHM(S) and USERHASH (RFC 8489 §14.11, §14.12, §14.4)", () => {
  it("encodes one algorithm with padded parameters", () => {
    const v = encodePasswordAlgorithm(PasswordAlgorithm.Sha256);
    assert.deepEqual([...v], [0, 2, 0, 0]);
    const p = encodePasswordAlgorithm(7, Uint8Array.of(9));
    assert.deepEqual([...p], [0, 7, 0, 1, 9, 0, 0, 0]);
    assert.deepEqual(decodePasswordAlgorithm(p).parameters, Uint8Array.of(9));
    assert.throws(() => decodePasswordAlgorithm(new Uint8Array(0)), StunDecodeError);
  });
  it("round-trips a list", () => {
    const list = [
      { algorithm: PasswordAlgorithm.Md5, parameters: new Uint8Array(0) },
      { algorithm: PasswordAlgorithm.Sha256, parameters: new Uint8Array(0) },
    ];
    assert.deepEqual(decodePasswordAlgorithms(encodePasswordAlgorithms(list)), list);
    assert.throws(() => decodePasswordAlgorithms(Uint8Array.of(0, 1, 0)), StunDecodeError);
    assert.throws(() => decodePasswordAlgorithms(Uint8Array.of(0, 1, 0, 4, 1)), StunDecodeError);
  });
  it("USERHASH is 32 bytes of SHA-256(user:realm)", () => {
    assert.equal(computeUserhash("u", "r").length, 32);
    assert.throws(() => decodeUserhash(new Uint8Array(31)), StunDecodeError);
    assert.throws(() => computeUserhash("", "r"), StunEncodeError);
  });
});

describe("RFC 5780 attributes", () => {
  it("CHANGE-REQUEST flags", () => {
    for (const changeIp of [false, true]) {
      for (const changePort of [false, true]) {
        assert.deepEqual(decodeChangeRequest(encodeChangeRequest({ changeIp, changePort })), {
          changeIp,
          changePort,
        });
      }
    }
    assert.deepEqual([...encodeChangeRequest({ changeIp: true, changePort: true })], [0, 0, 0, 6]);
    assert.throws(() => decodeChangeRequest(Uint8Array.of(0, 0, 6)), StunDecodeError);
  });
  it("RESPONSE-PORT and PADDING", () => {
    assert.equal(decodeResponsePort(encodeResponsePort(40000)), 40000);
    assert.throws(() => decodeResponsePort(Uint8Array.of(1, 2)), StunDecodeError);
    assert.throws(() => encodeResponsePort(-1), StunEncodeError);
    assert.equal(encodePadding(1500).length, 1500);
  });
});

describe("ICE attributes (RFC 8445 §16.1)", () => {
  it("PRIORITY and tie-breakers", () => {
    assert.equal(decodePriority(encodePriority(0x6e0001ff)), 0x6e0001ff);
    assert.equal(decodeTieBreaker(encodeTieBreaker(0xffffffffffffffffn)), 0xffffffffffffffffn);
    assert.throws(() => encodeTieBreaker(-1n), StunEncodeError);
    assert.throws(() => decodeTieBreaker(new Uint8Array(7)), StunDecodeError);
    assert.ok(checkEmpty(new Uint8Array(0), AttributeType.UseCandidate));
    assert.throws(() => checkEmpty(new Uint8Array(1), AttributeType.UseCandidate), StunDecodeError);
  });
});
