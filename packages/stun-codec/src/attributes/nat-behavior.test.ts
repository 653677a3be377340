import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { StunDecodeError, StunEncodeError } from "../errors.js";
import {
  decodeChangeRequest,
  decodeResponsePort,
  encodeChangeRequest,
  encodePadding,
  encodeResponsePort,
} from "./nat-behavior.js";

describe("RFC 5780 attributes", () => {
  it("CHANGE-REQUEST flags", () => {
    for (const changeIp of [false, true]) {
      for (const changePort of [false, true]) {
        assert.deepEqual(decodeChangeRequest(encodeChangeRequest({ changeIp, changePort })), {
          changeIp,
          changePort,
        });
      }
    }
    assert.deepEqual([...encodeChangeRequest({ changeIp: true, changePort: true })], [0, 0, 0, 6]);
    assert.throws(() => decodeChangeRequest(Uint8Array.of(0, 0, 6)), StunDecodeError);
  });
  it("RESPONSE-PORT and PADDING", () => {
    assert.equal(decodeResponsePort(encodeResponsePort(40000)), 40000);
    assert.throws(() => decodeResponsePort(Uint8Array.of(1, 2)), StunDecodeError);
    assert.throws(() => encodeResponsePort(-1), StunEncodeError);
    assert.equal(encodePadding(1500).length, 1500);
  });
});
