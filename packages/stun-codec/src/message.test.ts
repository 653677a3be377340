import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { AttributeType, StunClass, StunMethod } from "./constants.js";
import { encodeStunMessage } from "./encode.js";
import { StunDecodeError } from "./errors.js";
import {
  decodeStunMessage,
  getAttribute,
  getAttributes,
  hasAttribute,
  unknownRequiredAttributes,
  type StunAttribute,
} from "./message.js";

const tid = new Uint8Array(12).fill(1);
const a = (type: number, ...bytes: number[]): StunAttribute => ({ type, value: Uint8Array.from(bytes) });
const build = (attributes: StunAttribute[]): Uint8Array =>
  encodeStunMessage({ method: StunMethod.Binding, cls: StunClass.Request, transactionId: tid, attributes });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StunDecodeError, "only StunDecodeError");
    return e.code;
  }
  return "no error";
}

describe("decodeStunMessage", () => {
  it("keeps views into the received bytes with offsets", () => {
    const bytes = build([a(AttributeType.Software, 0x61, 0x62, 0x63), a(AttributeType.Priority, 1, 2, 3, 4)]);
    const msg = decodeStunMessage(bytes);
    assert.equal(msg.raw, bytes);
    assert.equal(msg.attributes[0].offset, 20);
    assert.equal(msg.attributes[1].offset, 28);
    assert.equal(msg.attributes[0].value.buffer, bytes.buffer);
    assert.deepEqual(msg.attributes[1].value, Uint8Array.of(1, 2, 3, 4));
    assert.equal(msg.transactionId.buffer, bytes.buffer);
    assert.ok(hasAttribute(msg, AttributeType.Priority));
    assert.equal(getAttribute(msg, AttributeType.Username), undefined);
  });

  it("reports each malformation with its code", () => {
    const good = build([a(AttributeType.Software, 0x61)]);
    assert.equal(
      code(() => decodeStunMessage(good.subarray(0, 19))),
      "STUN_ERR_TOO_SHORT",
    );
    const bits = good.slice();
    bits[0] = 0x80;
    assert.equal(
      code(() => decodeStunMessage(bits)),
      "STUN_ERR_NOT_STUN",
    );
    const cookie = good.slice();
    cookie[4] = 0;
    assert.equal(
      code(() => decodeStunMessage(cookie)),
      "STUN_ERR_BAD_COOKIE",
    );
    const odd = good.slice();
    odd[3] = 7;
    assert.equal(
      code(() => decodeStunMessage(odd)),
      "STUN_ERR_BAD_LENGTH",
    );
    assert.equal(
      code(() => decodeStunMessage(good.subarray(0, 24))),
      "STUN_ERR_BAD_LENGTH",
    );
    const overrun = good.slice();
    overrun[23] = 9; // attribute claims 9 bytes in an 8-byte body
    assert.equal(
      code(() => decodeStunMessage(overrun)),
      "STUN_ERR_ATTRIBUTE_OVERRUN",
    );
    const padOverrun = good.slice();
    padOverrun[23] = 4; // value fits but is not the attribute the padding expects: fine
    assert.doesNotThrow(() => decodeStunMessage(padOverrun));
  });

  it("rejects a truncated attribute header and a padding overrun", () => {
    const bytes = build([a(AttributeType.Software, 0x61, 0x62)]);
    // body is 8 bytes; declare a 2-byte attribute followed by 2 stray bytes -> header truncated
    const stray = bytes.slice();
    stray[23] = 2;
    assert.doesNotThrow(() => decodeStunMessage(stray)); // 2 + 2 padding = 4: fine
    const odd = Uint8Array.from([...bytes.subarray(0, 20), 0x80, 0x22, 0, 5, 1, 2, 3, 4]);
    odd[3] = 8;
    assert.equal(
      code(() => decodeStunMessage(odd)),
      "STUN_ERR_ATTRIBUTE_OVERRUN",
    );
    const half = Uint8Array.from([...bytes.subarray(0, 20), 0x80, 0x22, 0, 0, 0x80, 0x22, 0, 0]);
    half[3] = 8;
    assert.equal(decodeStunMessage(half).attributes.length, 2);
  });

  it("checks the sizes of integrity and fingerprint attributes", () => {
    assert.equal(
      code(() => decodeStunMessage(build([a(AttributeType.MessageIntegrity, 1, 2, 3, 4)]))),
      "STUN_ERR_BAD_ATTRIBUTE",
    );
    assert.equal(
      code(() => decodeStunMessage(build([a(AttributeType.Fingerprint, 1, 2)]))),
      "STUN_ERR_BAD_ATTRIBUTE",
    );
    const mi256 = { type: AttributeType.MessageIntegritySha256, value: new Uint8Array(12) };
    assert.equal(
      code(() => decodeStunMessage(build([mi256]))),
      "STUN_ERR_BAD_ATTRIBUTE",
    );
  });

  it("ignores attributes after MESSAGE-INTEGRITY except MI-SHA256 and FINGERPRINT (RFC 8489 §14.5)", () => {
    const mi = { type: AttributeType.MessageIntegrity, value: new Uint8Array(20) };
    const mi256 = { type: AttributeType.MessageIntegritySha256, value: new Uint8Array(32) };
    const fp = a(AttributeType.Fingerprint, 0, 0, 0, 0);
    const msg = decodeStunMessage(
      build([
        a(AttributeType.Username, 0x75),
        mi,
        a(AttributeType.Realm, 0x72),
        a(0x7777),
        mi256,
        a(0x8001),
        fp,
        a(0x0005),
      ]),
    );
    assert.deepEqual(
      msg.attributes.map((x) => x.type),
      [
        AttributeType.Username,
        AttributeType.MessageIntegrity,
        AttributeType.MessageIntegritySha256,
        AttributeType.Fingerprint,
      ],
    );
    assert.equal(msg.ignoredCount, 4);
    assert.deepEqual(msg.unknownRequired, [], "unknown attributes after MI are ignored, not reported");
  });

  it("lists unknown comprehension-required attributes once each, keeps optional ones", () => {
    const msg = decodeStunMessage(build([a(0x7001), a(0xc001, 1), a(0x7001), a(0x0031, 1, 2)]));
    assert.deepEqual(msg.unknownRequired, [0x7001, 0x0031]);
    assert.equal(getAttributes(msg, 0x7001).length, 2);
    assert.ok(hasAttribute(msg, 0xc001));
    assert.deepEqual(unknownRequiredAttributes(msg, new Set([0x7001])), [0x0031]);
  });

  it("reports reserved RFC 3489 attributes as unknown (RFC 5389 §18.2)", () => {
    const msg = decodeStunMessage(
      build([
        a(AttributeType.ResponseAddress, 0, 1, 0, 1, 1, 2, 3, 4),
        a(AttributeType.ChangeRequest, 0, 0, 0, 0),
      ]),
    );
    assert.deepEqual(msg.unknownRequired, [AttributeType.ResponseAddress]);
  });

  it("decodes every class and method from the header", () => {
    const bytes = encodeStunMessage({
      method: StunMethod.ChannelBind,
      cls: StunClass.ErrorResponse,
      transactionId: tid,
    });
    const msg = decodeStunMessage(bytes);
    assert.equal(msg.method, StunMethod.ChannelBind);
    assert.equal(msg.cls, StunClass.ErrorResponse);
    assert.equal(msg.type, 0x0119);
  });
});
