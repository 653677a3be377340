import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { AttributeType } from "../constants.js";
import { StunDecodeError, StunEncodeError } from "../errors.js";
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
