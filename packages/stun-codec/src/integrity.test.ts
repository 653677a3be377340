import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { AttributeType, StunClass, StunMethod } from "./constants.js";
import { encodeStunMessage } from "./encode.js";
import { StunEncodeError } from "./errors.js";
import { integrityKind, longTermKey, shortTermKey, verifyMessageIntegrity } from "./integrity.js";
import { decodeStunMessage } from "./message.js";

const tid = new Uint8Array(12).fill(3);

describe("keys (RFC 8489 §9)", () => {
  it("short-term key is the prepared password", () => {
    assert.deepEqual(new Uint8Array(shortTermKey("pass\u00a0word")), new TextEncoder().encode("pass word"));
    assert.throws(() => shortTermKey(""), StunEncodeError);
    assert.deepEqual(new Uint8Array(shortTermKey("", "none")), new Uint8Array(0));
  });
  it("long-term key is MD5 or SHA-256 of user:realm:password", () => {
    const md5 = createHash("md5").update("user:realm:pass").digest();
    assert.deepEqual(longTermKey({ username: "user", realm: "realm", password: "pass" }), md5);
    const sha = createHash("sha256").update("user:realm:pass").digest();
    assert.deepEqual(
      longTermKey({ username: "user", realm: "realm", password: "pass", algorithm: "sha256" }),
      sha,
    );
  });
  it("uses the username as received and prepares realm and password", () => {
    const expected = createHash("md5").update("u\u0007:r e:p w").digest();
    assert.deepEqual(longTermKey({ username: "u\u0007", realm: "r\u00a0e", password: "p\u3000w" }), expected);
    const sasl = createHash("md5").update("u:r\u00a0e:IX").digest();
    assert.deepEqual(
      longTermKey({ username: "u", realm: "r\u00a0e", password: "\u2168", preparation: "saslprep" }),
      sasl,
    );
    assert.throws(() => longTermKey({ username: "u", realm: "r", password: "" }), StunEncodeError);
  });
});

describe("verifyMessageIntegrity", () => {
  const key = shortTermKey("k");
  it("verifies with FINGERPRINT after it (length field adjusted)", () => {
    const msg = decodeStunMessage(
      encodeStunMessage(
        { method: StunMethod.Binding, cls: StunClass.Request, transactionId: tid },
        { integrity: { key }, fingerprint: true },
      ),
    );
    assert.equal(integrityKind(msg), "sha1");
    assert.ok(verifyMessageIntegrity(msg, key));
  });
  it("fails on a flipped bit before the attribute, and when absent", () => {
    const bytes = encodeStunMessage(
      {
        method: StunMethod.Binding,
        cls: StunClass.Request,
        transactionId: tid,
        attributes: [{ type: AttributeType.Username, value: Uint8Array.of(0x61) }],
      },
      { integrity: { key } },
    );
    const bad = bytes.slice();
    bad[24] ^= 1;
    assert.ok(!verifyMessageIntegrity(decodeStunMessage(bad), key));
    const plain = decodeStunMessage(
      encodeStunMessage({ method: StunMethod.Binding, cls: StunClass.Request, transactionId: tid }),
    );
    assert.ok(!verifyMessageIntegrity(plain, key));
    assert.equal(integrityKind(plain), "none");
  });
});
