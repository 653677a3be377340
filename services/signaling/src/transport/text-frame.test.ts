import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Writable } from "node:stream";
import * as wsModule from "ws";
import { encodeTextFrame } from "./text-frame.js";

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
    assert.deepEqual([...encodeTextFrame("{}")], [0x81, 2, 0x7b, 0x7d]);
    assert.deepEqual([...encodeTextFrame("y".repeat(126)).subarray(0, 4)], [0x81, 126, 0, 126]);
  });
});
