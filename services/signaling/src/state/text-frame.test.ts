import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { Writable } from "node:stream";
import * as wsModule from "ws";
import {
  encodeTextFrame,
  putAscii,
  putBytes,
  startTextFrame,
  textFrameHeaderLength,
  textFramePayload,
} from "./text-frame.js";

/** ws's frame parser (exported at runtime, not in its types). */
const { Receiver } = wsModule as unknown as {
  Receiver: new (opts: { isServer: boolean; maxPayload: number }) => Writable;
};

/** Decodes frames with ws's own receiver (client side: frames from a server are unmasked). */
function decode(frames: Buffer[]): string[] {
  const out: string[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  receiver.on("message", (data: Buffer, isBinary: boolean) => {
    assert.equal(isBinary, false);
    out.push(data.toString("utf8"));
  });
  for (const f of frames) receiver.write(f);
  return out;
}

describe("encodeTextFrame", () => {
  it("frames text of every length class, from a string or from bytes", () => {
    const texts = [
      "",
      "{}",
      "x".repeat(125),
      "y".repeat(126),
      "é😀".repeat(40),
      "z".repeat(65_535),
      "w".repeat(70_000),
    ];
    const frames = texts.flatMap((t) => [encodeTextFrame(t), encodeTextFrame(Buffer.from(t, "utf8"))]);
    assert.deepEqual(
      decode(frames),
      texts.flatMap((t) => [t, t]),
    );
    for (const t of texts) assert.equal(textFramePayload(encodeTextFrame(t)).toString("utf8"), t);
    assert.deepEqual([...encodeTextFrame("{}")], [0x81, 2, 0x7b, 0x7d]);
    assert.deepEqual([...encodeTextFrame("y".repeat(126)).subarray(0, 4)], [0x81, 126, 0, 126]);
  });

  it("frames a payload written in place from ASCII strings and bytes", () => {
    const data = Buffer.from('{"x":"é😀"}');
    for (const pad of [0, 120, 70_000]) {
      const head = `{"a":"${"b".repeat(pad)}","data":`;
      const text = `${head}{"x":"é😀"}}`;
      const length = head.length + data.length + 1;
      const frame = startTextFrame(length);
      const end = putBytes(frame, putAscii(frame, textFrameHeaderLength(length), head), data);
      frame[end] = 0x7d;
      assert.equal(end + 1, frame.length);
      assert.deepEqual(decode([frame]), [text]);
      assert.equal(textFramePayload(frame).toString("utf8"), text);
    }
    assert.throws(() => putAscii(Buffer.alloc(4), 0, "é"), /ASCII/);
  });
});
