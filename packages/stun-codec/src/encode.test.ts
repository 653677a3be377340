import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { AttributeType, StunClass, StunMethod } from "./constants.js";
import { encodeStunMessage } from "./encode.js";
import { StunEncodeError } from "./errors.js";
import { verifyFingerprint } from "./fingerprint.js";
import { shortTermKey, verifyMessageIntegrity, verifyMessageIntegritySha256 } from "./integrity.js";
import { decodeStunMessage } from "./message.js";

const tid = new Uint8Array(12).fill(9);
const init = {
  method: StunMethod.Binding,
  cls: StunClass.Request,
  transactionId: tid,
  attributes: [{ type: AttributeType.Username, value: Uint8Array.of(0x61, 0x62, 0x63, 0x64, 0x65) }],
};

describe("encodeStunMessage", () => {
  it("writes header, padding and length", () => {
    const out = encodeStunMessage(init);
    assert.equal(out.length, 20 + 4 + 8);
    assert.deepEqual([...out.subarray(0, 4)], [0, 1, 0, 12]);
    assert.deepEqual([...out.subarray(29, 32)], [0, 0, 0]);
  });
  it("adds MESSAGE-INTEGRITY, MI-SHA256 and FINGERPRINT that verify", () => {
    const key = shortTermKey("secret");
    const out = encodeStunMessage(init, { integrity: { key, algorithm: "both" }, fingerprint: true });
    const msg = decodeStunMessage(out);
    assert.deepEqual(
      msg.attributes.map((a) => a.type),
      [
        AttributeType.Username,
        AttributeType.MessageIntegrity,
        AttributeType.MessageIntegritySha256,
        AttributeType.Fingerprint,
      ],
    );
    assert.ok(verifyMessageIntegrity(msg, key));
    assert.ok(verifyMessageIntegritySha256(msg, key));
    assert.ok(verifyFingerprint(msg));
  });
  it("truncates MESSAGE-INTEGRITY-SHA256 when asked (RFC 8489 §14.6)", () => {
    const key = shortTermKey("secret");
    const out = encodeStunMessage(init, { integrity: { key, algorithm: "sha256", sha256Length: 16 } });
    const msg = decodeStunMessage(out);
    assert.equal(msg.attributes[1].value.length, 16);
    assert.ok(verifyMessageIntegritySha256(msg, key));
    assert.ok(!verifyMessageIntegritySha256(msg, shortTermKey("other")));
  });
  it("rejects bad input with StunEncodeError", () => {
    assert.throws(() => encodeStunMessage({ ...init, transactionId: new Uint8Array(11) }), StunEncodeError);
    assert.throws(() => encodeStunMessage({ ...init, method: 0x1000 }), StunEncodeError);
    assert.throws(
      () =>
        encodeStunMessage(init, {
          integrity: { key: Uint8Array.of(1), algorithm: "sha256", sha256Length: 18 },
        }),
      StunEncodeError,
    );
    assert.throws(
      () => encodeStunMessage({ ...init, attributes: [{ type: 0x10000, value: new Uint8Array(0) }] }),
      StunEncodeError,
    );
    const big = { type: AttributeType.Data, value: new Uint8Array(0xfff0) };
    assert.throws(() => encodeStunMessage({ ...init, attributes: [big, big] }), StunEncodeError);
  });
});
