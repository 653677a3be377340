import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { encodeChannelData } from "./channel-data.js";
import { StunClass, StunMethod } from "./constants.js";
import { encodeStunMessage } from "./encode.js";
import { StunDecodeError } from "./errors.js";
import { StreamFramer, nextStreamFrame } from "./stream-framer.js";

const stun = encodeStunMessage(
  {
    method: StunMethod.Binding,
    cls: StunClass.Request,
    transactionId: new Uint8Array(12),
    attributes: [{ type: 0x8022, value: Uint8Array.of(1, 2, 3) }],
  },
  { fingerprint: true },
);
const cd = encodeChannelData(0x4001, Uint8Array.of(9, 9, 9, 9, 9), { padded: true });

describe("nextStreamFrame (RFC 8489 §6.2.2, RFC 8656 §12.5)", () => {
  it("finds STUN and padded ChannelData frames", () => {
    assert.deepEqual(nextStreamFrame(stun), { status: "frame", kind: "stun", length: stun.length });
    assert.deepEqual(nextStreamFrame(cd), { status: "frame", kind: "channel-data", length: 12 });
  });
  it("asks for more on every proper prefix", () => {
    for (const frame of [stun, cd]) {
      for (let n = 0; n < frame.length; n++)
        assert.equal(nextStreamFrame(frame.subarray(0, n)).status, "need-more");
    }
  });
  it("rejects garbage and oversized frames", () => {
    assert.equal(nextStreamFrame(Uint8Array.of(0x80, 3, 1, 0)).status, "invalid");
    assert.equal(nextStreamFrame(Uint8Array.of(0x16, 3, 1, 0, 1, 0, 0, 0)).status, "invalid"); // TLS record: no cookie
    assert.equal(nextStreamFrame(Uint8Array.of(0x50, 0, 0, 0)).status, "invalid");
    assert.equal(nextStreamFrame(Uint8Array.of(0, 1, 0, 3)).status, "invalid");
    const badCookie = stun.slice();
    badCookie[5] = 0;
    assert.equal(nextStreamFrame(badCookie).status, "invalid");
    assert.equal(nextStreamFrame(stun, 20).status, "invalid");
    assert.equal(nextStreamFrame(Uint8Array.of(0, 1, 0xff, 0xfc), 1000).status, "invalid");
  });
});

describe("StreamFramer", () => {
  it("cuts frames split and merged across chunks", () => {
    const all = Uint8Array.from([...stun, ...cd, ...stun]);
    for (const size of [1, 3, 7, 20, all.length]) {
      const framer = new StreamFramer();
      const frames: number[][] = [];
      for (let i = 0; i < all.length; i += size) {
        for (const f of framer.push(all.slice(i, i + size))) frames.push([...f]);
      }
      assert.deepEqual(frames, [[...stun], [...cd], [...stun]], `chunk size ${size}`);
      assert.equal(framer.buffered, 0);
    }
  });
  it("keeps its own copy of a partial frame, so the caller may reuse its chunk", () => {
    const framer = new StreamFramer();
    const chunk = Uint8Array.from([...stun, ...cd.subarray(0, 5)]);
    assert.deepEqual(framer.push(chunk), [stun]);
    chunk.fill(0xee);
    const rest = Uint8Array.from(cd.subarray(5));
    const frames = framer.push(rest);
    assert.deepEqual(frames, [cd]);
    assert.equal(Object.getPrototypeOf(frames[0]), Uint8Array.prototype);
    assert.equal(framer.buffered, 0);
  });
  it("frames RFC 5766 channels with legacyChannelRange", () => {
    const legacy = encodeChannelData(0x7abc, Uint8Array.of(1), { padded: true, legacyChannelRange: true });
    assert.equal(nextStreamFrame(legacy).status, "invalid");
    assert.deepEqual(nextStreamFrame(legacy, { legacyChannelRange: true }), {
      status: "frame",
      kind: "channel-data",
      length: 8,
    });
    const framer = new StreamFramer({ legacyChannelRange: true, maxFrame: 64 });
    assert.equal(framer.push(legacy).length, 1);
  });
  it("throws StunDecodeError on garbage", () => {
    const framer = new StreamFramer(64);
    assert.throws(() => framer.push(Uint8Array.of(0xff)), StunDecodeError);
    assert.throws(() => new StreamFramer(64).push(Uint8Array.of(0, 1, 1, 0)), StunDecodeError);
  });
});
