import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { encodeChannelData } from "@switchboard/stun-codec";
import { CHANNEL_RANGE } from "./channel-range.js";
import { encodeRelayChannelData } from "./data-plane.js";

describe("data plane ChannelData to the client", () => {
  it("writes the codec's bytes, padded on streams, in one Buffer", () => {
    for (const channel of [0x4000, 0x4fff, 0x6281, 0x7fff])
      for (let length = 0; length <= 9; length++)
        for (const padded of [false, true]) {
          const data = Uint8Array.from({ length }, (_, i) => i + 1);
          const ours = encodeRelayChannelData(channel, data, padded);
          assert.ok(Buffer.isBuffer(ours));
          assert.deepEqual(
            new Uint8Array(ours),
            new Uint8Array(encodeChannelData(channel, data, { ...CHANNEL_RANGE, padded })),
            `channel ${channel} length ${length} padded ${padded}`,
          );
        }
    const big = new Uint8Array(0xffff - 64).fill(7);
    assert.deepEqual(
      new Uint8Array(encodeRelayChannelData(0x7001, big, true)),
      new Uint8Array(encodeChannelData(0x7001, big, { ...CHANNEL_RANGE, padded: true })),
    );
  });
});
