import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { channelMessageLimit, messageBytes } from "./peer-channel.js";
import { decodeFrame, encodeFrame } from "./sdk-frame.js";

describe("SDK channel frames", () => {
  it("round-trips bytes, text and control frames", () => {
    for (const f of [
      { t: "data", data: new Uint8Array([0, 1, 255]) },
      { t: "data", data: "héllo" },
      { t: "id", sessionId: "abc_DEF-1" },
      { t: "chat", id: "p:x:1", roomId: "room-1", name: "n", text: "hi", ts: 5 },
    ] as const)
      assert.deepEqual(decodeFrame(encodeFrame(f)), f);
  });
  it("passes application bytes through without a copy", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    assert.equal(encodeFrame({ t: "data", data: bytes }), bytes);
    const back = decodeFrame(bytes);
    assert.equal(back?.t === "data" ? back.data : undefined, bytes);
    assert.deepEqual(decodeFrame(new Uint8Array([])), { t: "data", data: new Uint8Array([]) });
  });
  it("rejects malformed frames", () => {
    for (const raw of [
      "",
      "plain text without its mark",
      "{",
      "null",
      '{"t":"id","sessionId":"bad id"}',
      '{"t":"chat","id":"x"}',
      '{"t":"other"}',
    ])
      assert.equal(decodeFrame(raw), undefined, String(raw));
  });
  it("caps the message size at 64 KiB and counts UTF-8 bytes", () => {
    assert.equal(channelMessageLimit(262_144), 65_536);
    assert.equal(channelMessageLimit(16_384), 16_384);
    assert.equal(channelMessageLimit(undefined), 65_536);
    assert.equal(messageBytes("é"), 2);
  });
});
