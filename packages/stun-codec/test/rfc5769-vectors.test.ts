// RFC 5769 test vectors (and the RFC 8489 Appendix B.1 vector as corrected by erratum 6268), byte for byte in
// both directions: decode and verify, then encode the same message and compare the bytes.
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  AttributeType,
  StunClass,
  StunMethod,
  computeUserhash,
  decodeErrorCode,
  decodePasswordAlgorithm,
  decodePriority,
  decodeStunMessage,
  decodeText,
  decodeTieBreaker,
  decodeXorAddress,
  encodeStunMessage,
  getAttribute,
  longTermKey,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  xorAddressAttribute,
  type StunAttribute,
  type StunMessage,
} from "../src/index.js";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function attr(msg: StunMessage, type: number): Uint8Array {
  const a = getAttribute(msg, type);
  assert.ok(a, `attribute 0x${type.toString(16)} present`);
  return a.value;
}

/** The message's attributes before its integrity/fingerprint attributes, as the encoder takes them. */
function bodyAttributes(msg: StunMessage): StunAttribute[] {
  const stop = new Set<number>([
    AttributeType.MessageIntegrity,
    AttributeType.MessageIntegritySha256,
    AttributeType.Fingerprint,
  ]);
  return msg.attributes.filter((a) => !stop.has(a.type)).map((a) => ({ type: a.type, value: a.value }));
}

const SHORT_TERM_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";
const TID = hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae");

// §2.1 Sample Request
const REQUEST = hex(`
  00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
  00 24 00 04 6e 00 01 ff
  80 29 00 08 93 2f f9 b1 51 26 3b 36
  00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
  00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
  80 28 00 04 e5 7a 3b cf`);

// §2.2 Sample IPv4 Response
const IPV4_RESPONSE = hex(`
  01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 08 00 01 a1 47 e1 12 a6 43
  00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
  80 28 00 04 c0 7d 4c 96`);

// §2.3 Sample IPv6 Response
const IPV6_RESPONSE = hex(`
  01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
  00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
  80 28 00 04 c8 fb 0b 4c`);

// §2.4 Sample Request with Long-Term Authentication
const LONG_TERM_REQUEST = hex(`
  00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
  00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
  00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
  00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
  00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66`);

// RFC 8489 Appendix B.1 as corrected by erratum 6268 (USERHASH, PASSWORD-ALGORITHM SHA-256, MI-SHA256).
const SHA256_REQUEST = hex(`
  00 01 00 90 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
  00 1e 00 20 4a 3c f3 8f ef 69 92 bd a9 52 c6 78 04 17 da 0f 24 81 94 15 56 9e 60 b2 05 c4 6e 41 40 7f 17 04
  00 15 00 29 6f 62 4d 61 74 4a 6f 73 32 41 41 41 43 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33
              34 6f 4c 39 46 53 54 76 79 36 34 73 41 00 00 00
  00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
  00 1d 00 04 00 02 00 00
  00 1c 00 20 b5 c7 bf 00 5b 6c 52 a2 1c 51 c5 e8 92 f8 19 24 13 62 96 cb 92 7c 43 14 93 09 27 8c c6 51 8e 65`);

const USERNAME = "\u30de\u30c8\u30ea\u30c3\u30af\u30b9";

describe("RFC 5769 §2.1 sample request (short-term, fingerprint)", () => {
  const msg = decodeStunMessage(REQUEST);
  it("decodes header and attributes", () => {
    assert.equal(msg.method, StunMethod.Binding);
    assert.equal(msg.cls, StunClass.Request);
    assert.deepEqual(msg.transactionId, TID);
    assert.deepEqual(
      msg.attributes.map((a) => a.type),
      [0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028],
    );
    assert.equal(decodeText(attr(msg, AttributeType.Software), AttributeType.Software), "STUN test client");
    assert.equal(decodeText(attr(msg, AttributeType.Username), AttributeType.Username), "evtj:h6vY");
    assert.equal(decodePriority(attr(msg, AttributeType.Priority)), 0x6e0001ff);
    assert.equal(
      decodeTieBreaker(attr(msg, AttributeType.IceControlled), AttributeType.IceControlled),
      0x932ff9b151263b36n,
    );
    assert.deepEqual(msg.unknownRequired, []);
  });
  it("verifies integrity and fingerprint on the received bytes", () => {
    assert.ok(verifyMessageIntegrity(msg, shortTermKey(SHORT_TERM_PASSWORD)));
    assert.ok(!verifyMessageIntegrity(msg, shortTermKey("wrong")));
    assert.ok(verifyFingerprint(msg));
  });
  it("re-encodes byte for byte", () => {
    const out = encodeStunMessage(
      { method: msg.method, cls: msg.cls, transactionId: TID, attributes: bodyAttributes(msg) },
      { integrity: { key: shortTermKey(SHORT_TERM_PASSWORD) }, fingerprint: true, paddingByte: 0x20 },
    );
    assert.deepEqual(new Uint8Array(out), REQUEST);
  });
});

for (const [name, bytes, family, address] of [
  ["§2.2 sample IPv4 response", IPV4_RESPONSE, "IPv4", "192.0.2.1"],
  ["§2.3 sample IPv6 response", IPV6_RESPONSE, "IPv6", "2001:db8:1234:5678:11:2233:4455:6677"],
] as const) {
  describe(`RFC 5769 ${name}`, () => {
    const msg = decodeStunMessage(bytes);
    it("decodes XOR-MAPPED-ADDRESS and SOFTWARE", () => {
      assert.equal(msg.cls, StunClass.SuccessResponse);
      assert.equal(decodeText(attr(msg, AttributeType.Software), AttributeType.Software), "test vector");
      assert.deepEqual(decodeXorAddress(attr(msg, AttributeType.XorMappedAddress), msg.transactionId), {
        family,
        address,
        port: 32853,
      });
    });
    it("verifies integrity and fingerprint", () => {
      assert.ok(verifyMessageIntegrity(msg, shortTermKey(SHORT_TERM_PASSWORD)));
      assert.ok(verifyFingerprint(msg));
    });
    it("re-encodes byte for byte from typed values", () => {
      const out = encodeStunMessage(
        {
          method: StunMethod.Binding,
          cls: StunClass.SuccessResponse,
          transactionId: TID,
          attributes: [
            { type: AttributeType.Software, value: utf8("test vector") },
            xorAddressAttribute(AttributeType.XorMappedAddress, { family, address, port: 32853 }, TID),
          ],
        },
        { integrity: { key: shortTermKey(SHORT_TERM_PASSWORD) }, fingerprint: true, paddingByte: 0x20 },
      );
      assert.deepEqual(new Uint8Array(out), bytes);
    });
  });
}

describe("RFC 5769 §2.4 sample request with long-term authentication", () => {
  const msg = decodeStunMessage(LONG_TERM_REQUEST);
  const key = longTermKey({ username: USERNAME, realm: "example.org", password: "TheMatrIX" });
  it("decodes USERNAME, NONCE, REALM", () => {
    assert.equal(decodeText(attr(msg, AttributeType.Username), AttributeType.Username), USERNAME);
    assert.equal(
      decodeText(attr(msg, AttributeType.Nonce), AttributeType.Nonce),
      "f//499k954d6OL34oL9FSTvy64sA",
    );
    assert.equal(decodeText(attr(msg, AttributeType.Realm), AttributeType.Realm), "example.org");
  });
  it("verifies integrity with the long-term key", () => {
    assert.ok(verifyMessageIntegrity(msg, key));
    assert.ok(
      !verifyMessageIntegrity(msg, longTermKey({ username: USERNAME, realm: "example.org", password: "x" })),
    );
  });
  it("SASLprep maps the RFC's unprepared password to TheMatrIX", () => {
    const raw = "The\u00adM\u00aatr\u2168";
    assert.deepEqual(
      longTermKey({ username: USERNAME, realm: "example.org", password: raw, preparation: "saslprep" }),
      key,
    );
  });
  it("re-encodes byte for byte", () => {
    const out = encodeStunMessage(
      { method: msg.method, cls: msg.cls, transactionId: msg.transactionId, attributes: bodyAttributes(msg) },
      { integrity: { key } },
    );
    assert.deepEqual(new Uint8Array(out), LONG_TERM_REQUEST);
  });
});

describe("RFC 8489 Appendix B.1 (erratum 6268): USERHASH, PASSWORD-ALGORITHM, MESSAGE-INTEGRITY-SHA256", () => {
  const msg = decodeStunMessage(SHA256_REQUEST);
  const key = longTermKey({
    username: USERNAME,
    realm: "example.org",
    password: "TheMatrIX",
    algorithm: "sha256",
  });
  it("decodes USERHASH and PASSWORD-ALGORITHM", () => {
    assert.deepEqual(
      attr(msg, AttributeType.Userhash),
      new Uint8Array(computeUserhash(USERNAME, "example.org")),
    );
    assert.equal(decodePasswordAlgorithm(attr(msg, AttributeType.PasswordAlgorithm)).algorithm, 2);
  });
  it("verifies MESSAGE-INTEGRITY-SHA256", () => {
    assert.ok(verifyMessageIntegritySha256(msg, key));
    assert.ok(!verifyMessageIntegrity(msg, key));
  });
  it("re-encodes byte for byte", () => {
    const out = encodeStunMessage(
      { method: msg.method, cls: msg.cls, transactionId: msg.transactionId, attributes: bodyAttributes(msg) },
      { integrity: { key, algorithm: "sha256" } },
    );
    assert.deepEqual(new Uint8Array(out), SHA256_REQUEST);
  });
});

describe("error responses carry ERROR-CODE", () => {
  it("decodes what it encodes", () => {
    const out = encodeStunMessage({
      method: StunMethod.Allocate,
      cls: StunClass.ErrorResponse,
      transactionId: TID,
      attributes: [{ type: AttributeType.ErrorCode, value: hex("00 00 04 01") }],
    });
    const msg = decodeStunMessage(out);
    assert.deepEqual(decodeErrorCode(attr(msg, AttributeType.ErrorCode)), { code: 401, reason: "" });
  });
});
