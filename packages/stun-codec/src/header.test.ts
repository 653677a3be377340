import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { StunClass, StunMethod } from "./constants.js";
import { classOf, isStunMessage, messageType, methodOf, readMagicCookie, readStunHeader } from "./header.js";

describe("message type (RFC 5389 §6)", () => {
  it("matches the well-known values", () => {
    assert.equal(messageType(StunMethod.Binding, StunClass.Request), 0x0001);
    assert.equal(messageType(StunMethod.Binding, StunClass.Indication), 0x0011);
    assert.equal(messageType(StunMethod.Binding, StunClass.SuccessResponse), 0x0101);
    assert.equal(messageType(StunMethod.Binding, StunClass.ErrorResponse), 0x0111);
    assert.equal(messageType(StunMethod.Allocate, StunClass.ErrorResponse), 0x0113);
    assert.equal(messageType(StunMethod.Send, StunClass.Indication), 0x0016);
    assert.equal(messageType(StunMethod.Data, StunClass.Indication), 0x0017);
    assert.equal(messageType(StunMethod.ChannelBind, StunClass.SuccessResponse), 0x0109);
  });
  it("round-trips every method and class", () => {
    for (let method = 0; method <= 0xfff; method++) {
      for (const cls of [0, 1, 2, 3] as const) {
        const t = messageType(method, cls);
        assert.ok(t <= 0x3fff);
        assert.equal(methodOf(t), method);
        assert.equal(classOf(t), cls);
      }
    }
  });
});

describe("isStunMessage / readStunHeader", () => {
  const ok = Uint8Array.from([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, ...new Array<number>(12).fill(7)]);
  it("accepts a bare binding request", () => {
    assert.ok(isStunMessage(ok));
    assert.deepEqual(readStunHeader(ok), { type: 1, method: 1, cls: 0, length: 0 });
    assert.equal(readMagicCookie(ok), 0x2112a442);
  });
  it("rejects short, bad first bits, bad cookie, bad length", () => {
    assert.ok(!isStunMessage(ok.subarray(0, 19)));
    const bits = ok.slice();
    bits[0] = 0x40;
    assert.ok(!isStunMessage(bits));
    const cookie = ok.slice();
    cookie[7] = 0;
    assert.ok(!isStunMessage(cookie));
    const len = ok.slice();
    len[3] = 4;
    assert.ok(!isStunMessage(len));
    assert.equal(readStunHeader(ok.subarray(0, 10)), undefined);
    assert.equal(readMagicCookie(ok.subarray(0, 4)), 0);
  });
});
