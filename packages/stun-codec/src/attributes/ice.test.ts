import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { AttributeType } from "../constants.js";
import { StunDecodeError, StunEncodeError } from "../errors.js";
import { decodeTieBreaker, encodeTieBreaker, decodePriority, encodePriority } from "./ice.js";
import { checkEmpty } from "./numbers.js";

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
