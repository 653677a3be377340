import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AttributeType,
  StunClass,
  StunMethod,
  encodeStunMessage,
  newTransactionId,
} from "@switchboard/stun-codec";
import { writeChannelData } from "../channel-frame.js";
import { TurnFramer } from "./turn-framer.js";

const stun = Buffer.from(
  encodeStunMessage({
    method: StunMethod.Binding,
    cls: StunClass.Request,
    transactionId: newTransactionId(),
    attributes: [{ type: AttributeType.Software, value: Buffer.from("abcde") }],
  }),
);

describe("TURN stream framer", () => {
  it("cuts STUN and padded ChannelData (RFC 5766 range) split at every byte", () => {
    const cd1 = writeChannelData(0x4001, Buffer.from("hello"), true);
    const cd2 = writeChannelData(0x7fff, Buffer.alloc(0), true);
    const all = Buffer.concat([stun, cd1, stun, cd2]);
    for (let cut = 0; cut <= all.length; cut++) {
      const f = new TurnFramer();
      const frames = [...f.push(all.subarray(0, cut)), ...f.push(all.subarray(cut))];
      assert.deepEqual(
        frames.map((x) => x.length),
        [stun.length, 12, stun.length, 4],
      );
      assert.equal(f.buffered, 0);
    }
  });
  it("throws on bytes that start no frame", () => {
    assert.throws(() => new TurnFramer().push(Buffer.from([0x80, 0, 0, 0])));
    assert.throws(() => new TurnFramer().push(Buffer.from([0xff, 1, 2, 3, 4])));
  });
});
