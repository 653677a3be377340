import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { encodeLengthPrefixed, FrameReader } from "./length-prefix.js";

describe("rendezvous framing (4-byte length + UTF-8)", () => {
  it("cuts frames split and joined anywhere in the stream", () => {
    const frames = ["a", "héllo", "x".repeat(5000)];
    const stream = Buffer.concat(frames.map((f) => encodeLengthPrefixed(f) ?? Buffer.alloc(0)));
    for (const step of [1, 3, 7, 4096, stream.length]) {
      const r = new FrameReader();
      const out: string[] = [];
      for (let i = 0; i < stream.length; i += step) out.push(...(r.push(stream.subarray(i, i + step)) ?? []));
      assert.deepEqual(out, frames, `chunks of ${step}`);
    }
  });

  it("refuses frames over the limit and empty frames (the stream is then closed)", () => {
    assert.equal(encodeLengthPrefixed("x".repeat(101), 100), undefined);
    const r = new FrameReader(100);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(101);
    assert.equal(r.push(header), undefined);
    assert.equal(new FrameReader(100).push(Buffer.alloc(4)), undefined);
    assert.equal(new FrameReader().push(Buffer.from([0xff, 0xff, 0xff, 0xff])), undefined);
  });
});
