import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { classifyPacket } from "./demux.js";

describe("classifyPacket (RFC 7983 §7)", () => {
  it("maps first-byte ranges", () => {
    const kind = (b: number) => classifyPacket(Uint8Array.of(b, 0, 0, 0));
    for (let b = 0; b <= 255; b++) {
      const expected =
        b <= 3
          ? "stun"
          : b >= 16 && b <= 19
            ? "zrtp"
            : b >= 20 && b <= 63
              ? "dtls"
              : b >= 64 && b <= 79
                ? "channel-data"
                : b >= 128 && b <= 191
                  ? "rtp"
                  : "unknown";
      assert.equal(kind(b), expected, `byte ${b}`);
    }
    assert.equal(classifyPacket(new Uint8Array(0)), "unknown");
    assert.equal(classifyPacket(Uint8Array.of(0x7f), { legacyChannelRange: true }), "channel-data");
    assert.equal(classifyPacket(Uint8Array.of(0x50), { legacyChannelRange: true }), "channel-data");
    assert.equal(classifyPacket(Uint8Array.of(0x80), { legacyChannelRange: true }), "rtp");
  });
});
