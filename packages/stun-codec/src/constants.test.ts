import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  AttributeType,
  attributeName,
  isComprehensionRequired,
  isKnownAttribute,
  methodName,
  StunMethod,
} from "./constants.js";
import { ErrorCode, errorReason } from "./error-codes.js";

describe("registry helpers", () => {
  it("splits comprehension-required and -optional at 0x8000 (RFC 8489 §14)", () => {
    assert.ok(isComprehensionRequired(0x0000) && isComprehensionRequired(0x7fff));
    assert.ok(!isComprehensionRequired(0x8000) && !isComprehensionRequired(0xffff));
  });
  it("knows implemented attributes, not reserved ones", () => {
    assert.ok(isKnownAttribute(AttributeType.XorMappedAddress));
    assert.ok(isKnownAttribute(AttributeType.ConnectionId));
    assert.ok(!isKnownAttribute(AttributeType.ResponseAddress));
    assert.ok(!isKnownAttribute(AttributeType.AccessToken));
    assert.ok(!isKnownAttribute(0x7777));
  });
  it("names for logs, with hex for unregistered values", () => {
    assert.equal(methodName(StunMethod.ChannelBind), "ChannelBind");
    assert.equal(methodName(0x0ff), "0x0ff");
    assert.equal(attributeName(AttributeType.Fingerprint), "Fingerprint");
    assert.equal(attributeName(0x7777), "0x7777");
    assert.equal(errorReason(ErrorCode.StaleNonce), "Stale Nonce");
  });
});
