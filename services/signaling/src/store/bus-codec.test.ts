import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { ServerMessage } from "@switchboard/protocol";
import { decodeBusBatch, encodeBusBatch } from "./bus-codec.js";
import type { BusMessage } from "./store.js";

const signal: ServerMessage = {
  v: 1,
  type: "signal",
  roomId: "kxq-wmtb-pze",
  from: "a_B-1",
  data: { kind: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\tx\r\n" },
};
const peer: BusMessage = {
  kind: "peer",
  to: "Zz9_-",
  roomId: "kxq-wmtb-pze",
  type: "signal",
  frame: JSON.stringify(signal),
};
const room: BusMessage = {
  kind: "room",
  roomId: "kxq-wmtb-pze",
  audience: "joined",
  msg: {
    v: 1,
    type: "chat",
    entry: { roomId: "kxq-wmtb-pze", seq: 1, from: "a", name: "A\nB", text: "hi\t\n", ts: 1 },
  },
  except: "a",
};

describe("bus codec", () => {
  it("round-trips peer messages and room events in order, frames unchanged", () => {
    const batch = [peer, room, { ...peer, to: "other" }];
    const raw = encodeBusBatch(batch);
    assert.deepEqual(decodeBusBatch(raw), batch);
    assert.equal(raw.split("\n").length, 3);
    const decoded = decodeBusBatch(raw)[0];
    assert.ok(decoded?.kind === "peer");
    assert.equal(decoded.frame, peer.kind === "peer" ? peer.frame : "");
    assert.deepEqual(JSON.parse(decoded.frame), signal);
  });

  it("round-trips relays that ask for a receipt, and receipts", () => {
    const asking: BusMessage = {
      ...peer,
      receipt: { replyTo: "a1b2c3d4e5f6", id: "1z", deliverBy: 1_796_000_000_123 },
    };
    const receipts: BusMessage = { kind: "receipts", delivered: ["1", "2z"], gone: [] };
    const batch = [asking, peer, receipts, { kind: "receipts", delivered: [], gone: ["3"] } as const];
    const raw = encodeBusBatch(batch);
    assert.deepEqual(decodeBusBatch(raw), batch);
    const first = decodeBusBatch(raw)[0];
    assert.ok(first?.kind === "peer");
    assert.deepEqual(JSON.parse(first.frame), signal);
  });

  it("reads the JSON arrays of earlier instances (rolling upgrade)", () => {
    const legacy = JSON.stringify([{ kind: "peer", to: "Zz9_-", msg: signal }, room]);
    assert.deepEqual(decodeBusBatch(legacy), [peer, room]);
  });

  it("refuses what is not a bus batch", () => {
    for (const raw of [
      "x\tfoo",
      "p\ta\tb",
      "q\ti\t1\t99\ta\tb",
      "q\ti\t1\tsoon\ta\tb\tsignal\t{}",
      "k\t1",
      "r\t{}",
      "r\tnot json",
      "[1]",
      '[{"kind":"peer","to":"a"}]',
      "{}",
    ])
      assert.throws(() => decodeBusBatch(raw), Error, raw);
    assert.deepEqual(decodeBusBatch(""), []);
  });
});
