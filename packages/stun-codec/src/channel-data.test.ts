import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { decodeChannelData, encodeChannelData, encodeChannelDataHeader } from "./channel-data.js";
import { StunDecodeError, StunEncodeError } from "./errors.js";

describe("ChannelData (RFC 8656 §12.4)", () => {
  const data = Uint8Array.of(1, 2, 3, 4, 5);
  it("encodes unpadded for UDP and padded for streams", () => {
    assert.deepEqual([...encodeChannelData(0x4000, data)], [0x40, 0, 0, 5, 1, 2, 3, 4, 5]);
    assert.deepEqual(
      [...encodeChannelData(0x4fff, data, { padded: true })],
      [0x4f, 0xff, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0],
    );
  });
  it("decodes with or without padding, as a view", () => {
    for (const padded of [false, true]) {
      const bytes = encodeChannelData(0x4123, data, { padded });
      const cd = decodeChannelData(bytes);
      assert.equal(cd.channel, 0x4123);
      assert.deepEqual(cd.data, data);
      assert.equal(cd.data.buffer, bytes.buffer);
    }
  });
  it("pads large payloads with zeros too, and writes a bare header", () => {
    const big = new Uint8Array(1001).fill(7);
    for (let i = 0; i < 50; i++) {
      const out = encodeChannelData(0x4002, big, { padded: true });
      assert.equal(out.length, 1008);
      assert.deepEqual([...out.subarray(1005)], [0, 0, 0]);
      assert.deepEqual(decodeChannelData(out).data, big);
    }
    assert.deepEqual([...encodeChannelDataHeader(0x4001, 0x102)], [0x40, 1, 1, 2]);
    assert.throws(() => encodeChannelDataHeader(0x1, 1), StunEncodeError);
    assert.throws(() => encodeChannelDataHeader(0x4001, 0x10000), StunEncodeError);
  });
  it("accepts RFC 5766's 0x4000-0x7FFF with legacyChannelRange", () => {
    const legacy = { legacyChannelRange: true };
    assert.throws(() => decodeChannelData(Uint8Array.of(0x7f, 0xff, 0, 0)), StunDecodeError);
    assert.equal(decodeChannelData(Uint8Array.of(0x7f, 0xff, 0, 0), legacy).channel, 0x7fff);
    assert.throws(() => decodeChannelData(Uint8Array.of(0x80, 0, 0, 0), legacy), StunDecodeError);
    assert.equal(decodeChannelData(encodeChannelData(0x6000, data, legacy), legacy).channel, 0x6000);
    assert.deepEqual([...encodeChannelDataHeader(0x7001, 1, legacy)], [0x70, 1, 0, 1]);
    assert.throws(() => encodeChannelDataHeader(0x7001, 1), StunEncodeError);
  });
  it("rejects channels outside 0x4000-0x4FFF and short messages", () => {
    assert.throws(() => encodeChannelData(0x5000, data), StunEncodeError);
    assert.throws(() => encodeChannelData(0x3fff, data), StunEncodeError);
    assert.throws(() => decodeChannelData(Uint8Array.of(0x50, 0, 0, 0)), StunDecodeError);
    assert.throws(() => decodeChannelData(Uint8Array.of(0x40, 0, 0, 2, 1)), StunDecodeError);
    assert.throws(() => decodeChannelData(Uint8Array.of(0x40, 0, 0)), StunDecodeError);
    assert.deepEqual(decodeChannelData(Uint8Array.of(0x40, 0, 0, 0)).data.length, 0);
  });
});
