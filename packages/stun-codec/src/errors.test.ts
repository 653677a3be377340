import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { StunDecodeError, StunEncodeError, badAttribute, encodeRange } from "./errors.js";

describe("coded errors", () => {
  it("carry a stable code and, for attributes, the type", () => {
    const d = badAttribute(0x0020, "bad");
    assert.ok(d instanceof StunDecodeError && d instanceof Error);
    assert.equal(d.name, "StunDecodeError");
    assert.equal(d.code, "STUN_ERR_BAD_ATTRIBUTE");
    assert.equal(d.attributeType, 0x0020);
    assert.equal(new StunDecodeError("STUN_ERR_TOO_SHORT", "x").attributeType, undefined);
    const e = encodeRange("out of range");
    assert.ok(e instanceof StunEncodeError && e instanceof RangeError);
    assert.equal(e.code, "STUN_ERR_ENCODE_RANGE");
  });
});
