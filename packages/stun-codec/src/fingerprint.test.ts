import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { StunClass, StunMethod } from "./constants.js";
import { encodeStunMessage } from "./encode.js";
import { verifyFingerprint } from "./fingerprint.js";
import { decodeStunMessage } from "./message.js";

describe("verifyFingerprint (RFC 8489 §14.7)", () => {
  const tid = new Uint8Array(12).fill(5);
  const bytes = encodeStunMessage(
    { method: StunMethod.Binding, cls: StunClass.Request, transactionId: tid },
    { fingerprint: true },
  );
  it("accepts a correct CRC and rejects a damaged message", () => {
    assert.ok(verifyFingerprint(decodeStunMessage(bytes)));
    const bad = bytes.slice();
    bad[10] ^= 0x80;
    assert.ok(!verifyFingerprint(decodeStunMessage(bad)));
  });
  it("is false without FINGERPRINT", () => {
    const plain = encodeStunMessage({
      method: StunMethod.Binding,
      cls: StunClass.Request,
      transactionId: tid,
    });
    assert.ok(!verifyFingerprint(decodeStunMessage(plain)));
  });
  it("checks with the length adjusted when ignored attributes follow", () => {
    const withTail = Uint8Array.from([...bytes, 0x80, 0x22, 0, 0]);
    withTail[3] = withTail.length - 20;
    const msg = decodeStunMessage(withTail);
    assert.equal(msg.ignoredCount, 1);
    assert.ok(verifyFingerprint(msg));
  });
});
