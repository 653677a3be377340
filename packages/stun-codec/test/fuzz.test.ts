// Fuzz suite: random and mutated inputs must only ever decode or throw StunDecodeError (the message decoder, the
// typed attribute decoders, the verifiers, ChannelData, the stream framer). Seeded; the seed is printed on failure.
// Re-run one seed with STUN_FUZZ_SEED=<n>; scale with STUN_FUZZ_ITERATIONS (default 100000).
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  StunDecodeError,
  classifyPacket,
  decodeChannelData,
  decodeStunMessage,
  encodeStunMessage,
  nextStreamFrame,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  type StunMessage,
} from "../src/index.js";
import { ITERATIONS, KEY, SEED, TYPED, mutate, randomMessage, withSeed } from "./fuzz-helpers.js";

/** Decodes anything; returns the message or undefined, and fails on any error other than StunDecodeError. */
function mustOnlyThrowDecodeError(bytes: Uint8Array): StunMessage | undefined {
  let msg: StunMessage | undefined;
  try {
    msg = decodeStunMessage(bytes);
  } catch (e) {
    if (!(e instanceof StunDecodeError)) throw new Error(`non-StunDecodeError: ${String(e)}`, { cause: e });
  }
  if (msg !== undefined) {
    verifyFingerprint(msg);
    verifyMessageIntegrity(msg, KEY);
    verifyMessageIntegritySha256(msg, KEY);
    for (const a of msg.attributes) {
      const decode = TYPED.get(a.type);
      if (decode === undefined) continue;
      try {
        decode(a.value, msg.transactionId, a.type);
      } catch (e) {
        if (!(e instanceof StunDecodeError))
          throw new Error(`attribute 0x${a.type.toString(16)}: ${String(e)}`, { cause: e });
      }
    }
  }
  try {
    decodeChannelData(bytes);
  } catch (e) {
    if (!(e instanceof StunDecodeError)) throw new Error(`ChannelData: ${String(e)}`, { cause: e });
  }
  nextStreamFrame(bytes, 4096);
  classifyPacket(bytes);
  return msg;
}

describe(`fuzz: decoders only return or throw StunDecodeError (seed ${SEED})`, () => {
  it(`${ITERATIONS} random and mutated datagrams`, () => {
    withSeed("decode-fuzz", (rng) => {
      let decoded = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        let input: Uint8Array;
        const kind = i % 4;
        if (kind === 0) input = rng.bytes(rng.int(120));
        else if (kind === 1) {
          // random body behind a valid header
          const body = rng.bytes(4 * rng.int(30));
          input = Uint8Array.from([0, rng.int(4), 0, 0, 0x21, 0x12, 0xa4, 0x42, ...rng.bytes(12), ...body]);
          input[2] = body.length >> 8;
          input[3] = body.length & 0xff;
        } else {
          const m = randomMessage(rng);
          const opts =
            rng.next() < 0.5
              ? {
                  integrity: { key: KEY, algorithm: (["sha1", "sha256", "both"] as const)[rng.int(3)] },
                  fingerprint: true,
                }
              : {};
          input = mutate(rng, encodeStunMessage(m, opts));
          if (kind === 3) input = Uint8Array.from([0x40 + rng.int(16), rng.int(256), ...input.subarray(2)]);
        }
        if (mustOnlyThrowDecodeError(input)) decoded++;
      }
      assert.ok(decoded > ITERATIONS / 20, `a fair share decodes (${decoded})`);
    });
  });
});
