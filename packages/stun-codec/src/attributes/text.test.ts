import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { AttributeType } from "../constants.js";
import { StunDecodeError, StunEncodeError } from "../errors.js";
import { decodeText, encodeText, textAttribute } from "./text.js";

const T = AttributeType;

describe("text attributes (RFC 8489 §14.3, §14.9, §14.10, §14.14, §14.16)", () => {
  it("round-trips UTF-8", () => {
    for (const type of [T.Username, T.Realm, T.Nonce, T.Software, T.AlternateDomain]) {
      assert.equal(decodeText(textAttribute(type, "h\u00e9llo \u30de").value, type), "h\u00e9llo \u30de");
    }
  });
  it("USERNAME: fewer than 509 bytes sent, fewer than 513 read", () => {
    assert.doesNotThrow(() => encodeText("a".repeat(508), T.Username));
    assert.throws(() => encodeText("a".repeat(509), T.Username), StunEncodeError);
    assert.equal(decodeText(new Uint8Array(512).fill(0x61), T.Username).length, 512);
    assert.throws(() => decodeText(new Uint8Array(513).fill(0x61), T.Username), StunDecodeError);
  });
  it("REALM, NONCE, SOFTWARE: fewer than 128 characters, at most 509 bytes sent and 763 read", () => {
    for (const type of [T.Realm, T.Nonce, T.Software]) {
      assert.doesNotThrow(() => encodeText("\u30de".repeat(127), type)); // 381 bytes
      assert.throws(() => encodeText("a".repeat(128), type), StunEncodeError);
      assert.throws(() => decodeText(new TextEncoder().encode("\u00e9".repeat(128)), type), StunDecodeError);
      assert.throws(() => decodeText(new Uint8Array(764).fill(0x61), type), StunDecodeError);
    }
    // astral characters count once
    assert.doesNotThrow(() => encodeText("\u{1f600}".repeat(127), T.Software));
  });
  it("ALTERNATE-DOMAIN: at most 255 bytes", () => {
    assert.throws(() => encodeText("a".repeat(256), T.AlternateDomain), StunEncodeError);
  });
  it("rejects malformed UTF-8", () => {
    assert.throws(() => decodeText(Uint8Array.of(0xc3), T.Realm), StunDecodeError);
  });
  it("leaves other types unlimited", () => {
    assert.equal(decodeText(new Uint8Array(1000).fill(0x61), 0x8fff).length, 1000);
  });
});
