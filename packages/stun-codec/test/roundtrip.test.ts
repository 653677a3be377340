// Property suite: decode(encode(x)) = x for generated messages (with integrity and fingerprint), typed values,
// ChannelData and stream framing. Seeded like the fuzz suite (STUN_FUZZ_SEED).
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  StreamFramer,
  StunDecodeError,
  decodeAddress,
  decodeChannelData,
  decodeErrorCode,
  decodeStunMessage,
  decodeText,
  decodeXorAddress,
  encodeAddress,
  encodeChannelData,
  encodeErrorCode,
  encodeStunMessage,
  encodeText,
  encodeXorAddress,
  formatIPv4,
  formatIPv6,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  type TransportAddress,
} from "../src/index.js";
import { KEY, SEED, SPECIAL, T, mutate, randomMessage, withSeed } from "./fuzz-helpers.js";

describe(`properties: decode(encode(x)) = x (seed ${SEED})`, () => {
  it("STUN messages with integrity and fingerprint", () => {
    withSeed("message-roundtrip", (rng) => {
      for (let i = 0; i < 20_000; i++) {
        const m = randomMessage(rng);
        const integrity = rng.int(4);
        const opts = {
          fingerprint: rng.next() < 0.5,
          ...(integrity === 0
            ? {}
            : {
                integrity: {
                  key: KEY,
                  algorithm: (["sha1", "sha256", "both"] as const)[integrity - 1],
                  sha256Length: 16 + 4 * rng.int(5),
                },
              }),
        };
        const msg = decodeStunMessage(encodeStunMessage(m, opts));
        assert.equal(msg.method, m.method);
        assert.equal(msg.cls, m.cls);
        assert.deepEqual(msg.transactionId, m.transactionId);
        const body = msg.attributes.filter((a) => !SPECIAL.has(a.type));
        assert.deepEqual(
          body.map((a) => ({ type: a.type, value: a.value })),
          m.attributes,
        );
        assert.equal(verifyFingerprint(msg), opts.fingerprint);
        assert.equal(verifyMessageIntegrity(msg, KEY), integrity === 1 || integrity === 3);
        assert.equal(verifyMessageIntegritySha256(msg, KEY), integrity === 2 || integrity === 3);
      }
    });
  });

  it("addresses, error codes and text", () => {
    withSeed("typed-roundtrip", (rng) => {
      for (let i = 0; i < 20_000; i++) {
        const v4 = rng.next() < 0.5;
        const raw = rng.bytes(v4 ? 4 : 16);
        if (!v4) for (let k = 0; k < 16; k++) if (rng.next() < 0.4) raw[k] = 0;
        const addr: TransportAddress = {
          family: v4 ? "IPv4" : "IPv6",
          address: v4 ? formatIPv4(raw) : formatIPv6(raw),
          port: rng.int(0x10000),
        };
        const tid = rng.bytes(12);
        assert.deepEqual(decodeAddress(encodeAddress(addr)), addr);
        assert.deepEqual(decodeXorAddress(encodeXorAddress(addr, tid), tid), addr);
        const code = 300 + rng.int(400);
        const reason = String.fromCodePoint(
          ...Array.from({ length: rng.int(20) }, () => 0x20 + rng.int(0x2000)),
        );
        assert.deepEqual(decodeErrorCode(encodeErrorCode(code, reason)), { code, reason });
        assert.equal(decodeText(encodeText(reason, T.Realm), T.Realm), reason);
      }
    });
  });

  it("ChannelData and the stream framer", () => {
    withSeed("framing-roundtrip", (rng) => {
      for (let i = 0; i < 2_000; i++) {
        const frames: { channel?: number; data: Uint8Array; bytes: Uint8Array }[] = [];
        const n = 1 + rng.int(6);
        for (let k = 0; k < n; k++) {
          if (rng.next() < 0.5) {
            const channel = 0x4000 + rng.int(0x1000);
            const data = rng.bytes(rng.int(70));
            const bytes = encodeChannelData(channel, data, { padded: true });
            const back = decodeChannelData(bytes);
            assert.equal(back.channel, channel);
            assert.deepEqual(back.data, data);
            assert.deepEqual(decodeChannelData(encodeChannelData(channel, data)).data, data);
            frames.push({ channel, data, bytes });
          } else {
            const bytes = encodeStunMessage(randomMessage(rng), { fingerprint: true });
            frames.push({ data: bytes, bytes });
          }
        }
        const stream = Uint8Array.from(frames.flatMap((f) => [...f.bytes]));
        const framer = new StreamFramer();
        const out: Uint8Array[] = [];
        for (let at = 0; at < stream.length;) {
          const size = 1 + rng.int(90);
          for (const f of framer.push(stream.slice(at, at + size))) out.push(f.slice());
          at += size;
        }
        assert.equal(out.length, frames.length);
        out.forEach((f, k) => assert.deepEqual(f, frames[k].bytes));
        // mutated streams only ever yield frames or StunDecodeError
        const bad = mutate(rng, stream);
        try {
          new StreamFramer(4096).push(bad);
        } catch (e) {
          assert.ok(e instanceof StunDecodeError, String(e));
        }
      }
    });
  });
});
