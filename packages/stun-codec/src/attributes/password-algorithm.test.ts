import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { PasswordAlgorithm } from "../constants.js";
import { StunDecodeError, StunEncodeError } from "../errors.js";
import {
  computeUserhash,
  decodePasswordAlgorithm,
  decodePasswordAlgorithms,
  decodeUserhash,
  encodePasswordAlgorithm,
  encodePasswordAlgorithms,
} from "./password-algorithm.js";

describe("PASSWORD-ALGORITHM(S) and USERHASH (RFC 8489 §14.11, §14.12, §14.4)", () => {
  it("encodes one algorithm with padded parameters", () => {
    const v = encodePasswordAlgorithm(PasswordAlgorithm.Sha256);
    assert.deepEqual([...v], [0, 2, 0, 0]);
    const p = encodePasswordAlgorithm(7, Uint8Array.of(9));
    assert.deepEqual([...p], [0, 7, 0, 1, 9, 0, 0, 0]);
    assert.deepEqual(decodePasswordAlgorithm(p).parameters, Uint8Array.of(9));
    assert.throws(() => decodePasswordAlgorithm(new Uint8Array(0)), StunDecodeError);
  });
  it("round-trips a list", () => {
    const list = [
      { algorithm: PasswordAlgorithm.Md5, parameters: new Uint8Array(0) },
      { algorithm: PasswordAlgorithm.Sha256, parameters: new Uint8Array(0) },
    ];
    assert.deepEqual(decodePasswordAlgorithms(encodePasswordAlgorithms(list)), list);
    assert.throws(() => decodePasswordAlgorithms(Uint8Array.of(0, 1, 0)), StunDecodeError);
    assert.throws(() => decodePasswordAlgorithms(Uint8Array.of(0, 1, 0, 4, 1)), StunDecodeError);
  });
  it("USERHASH is 32 bytes of SHA-256(user:realm)", () => {
    assert.equal(computeUserhash("u", "r").length, 32);
    assert.throws(() => decodeUserhash(new Uint8Array(31)), StunDecodeError);
    assert.throws(() => computeUserhash("", "r"), StunEncodeError);
  });
});
