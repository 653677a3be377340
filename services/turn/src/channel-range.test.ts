import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { classifyPacket, isValidChannelNumber, nextStreamFrame } from "@switchboard/stun-codec";
import { CHANNEL_RANGE } from "./channel-range.js";

describe("the relay's channel range", () => {
  it("is RFC 5766's 0x4000-0x7FFF (coturn binds up to 0x7FFF)", () => {
    for (const n of [0x4000, 0x4fff, 0x5000, 0x7fff])
      assert.ok(isValidChannelNumber(n, CHANNEL_RANGE), `${n}`);
    for (const n of [0x3fff, 0x8000]) assert.ok(!isValidChannelNumber(n, CHANNEL_RANGE), `${n}`);
  });
  it("classifies and frames first bytes 0x40-0x7F as ChannelData", () => {
    assert.equal(classifyPacket(Uint8Array.of(0x7f, 0xff, 0, 0), CHANNEL_RANGE), "channel-data");
    assert.equal(classifyPacket(Uint8Array.of(0x80, 0, 0, 0), CHANNEL_RANGE), "rtp");
    assert.deepEqual(nextStreamFrame(Uint8Array.of(0x7f, 0xff, 0, 1, 9, 0, 0, 0), CHANNEL_RANGE), {
      status: "frame",
      kind: "channel-data",
      length: 8,
    });
  });
});
