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

/** Decoded messages with their frames (byte views) as strings, to compare with what was encoded. */
const decodeText = (raw: Buffer): BusMessage[] =>
  decodeBusBatch(raw).map((m) =>
    m.kind === "peer" && m.frame instanceof Uint8Array ? { ...m, frame: Buffer.from(m.frame).toString() } : m,
  );
const bytes = (text: string): Buffer => Buffer.from(text, "utf8");

describe("bus codec", () => {
  it("round-trips peer messages and room events in order, frames unchanged", () => {
    const batch = [peer, room, { ...peer, to: "other" }];
    const raw = encodeBusBatch(batch);
    assert.deepEqual(decodeText(raw), batch);
    assert.equal(raw.toString().split("\n").length, 3);
    const decoded = decodeBusBatch(raw)[0];
    assert.ok(decoded?.kind === "peer" && decoded.frame instanceof Uint8Array);
    assert.equal(Buffer.from(decoded.frame).toString(), peer.kind === "peer" ? peer.frame : "");
  });

  it("carries frames given as bytes unchanged, non-ASCII text included", () => {
    const text = JSON.stringify({ ...signal, data: { kind: "offer", sdp: "v=0 é ü 😀" } });
    const asBytes: BusMessage = { ...peer, frame: bytes(text) };
    const named: BusMessage = {
      ...room,
      msg: { v: 1, type: "peer.left", roomId: "kxq-wmtb-pze", peerId: "ß", reason: "left" },
    };
    const raw = encodeBusBatch([asBytes, named, peer]);
    assert.deepEqual(decodeText(raw), [{ ...peer, frame: text }, named, peer]);
    assert.equal(raw.length, Buffer.byteLength(raw.toString("utf8")));
  });

  it("reads the text batches instances published before batches were built as bytes", () => {
    const old = `p\tZz9_-\tkxq-wmtb-pze\tsignal\t${JSON.stringify(signal)}\nk\t1,2\t`;
    assert.deepEqual(decodeText(bytes(old)), [peer, { kind: "receipts", delivered: ["1", "2"], gone: [] }]);
    assert.deepEqual(
      encodeBusBatch([peer, { kind: "receipts", delivered: ["1", "2"], gone: [] }]),
      bytes(old),
    );
  });

  it("round-trips relays that ask for a receipt, and receipts", () => {
    const asking: BusMessage = {
      ...peer,
      receipt: { replyTo: "a1b2c3d4e5f6", id: "1z", deliverBy: 1_796_000_000_123 },
    };
    const receipts: BusMessage = { kind: "receipts", delivered: ["1", "2z"], gone: [] };
    const batch = [asking, peer, receipts, { kind: "receipts", delivered: [], gone: ["3"] } as const];
    const raw = encodeBusBatch(batch);
    assert.deepEqual(decodeText(raw), batch);
  });

  it("reads consecutive relays to one peer as one run, and writes a run as its peer lines", () => {
    const second = JSON.stringify({ ...signal, data: { kind: "candidate", candidate: null } });
    const toOther: BusMessage = { ...peer, to: "other" };
    const batch = [peer, { ...peer, frame: second }, { ...peer, frame: "{}" }, toOther, peer, room, peer];
    const raw = encodeBusBatch(batch);
    const decoded = decodeBusBatch(raw);
    assert.deepEqual(
      decoded.map((m) => m.kind),
      ["peers", "peer", "peer", "room", "peer"],
    );
    const run = decoded[0];
    assert.ok(run?.kind === "peers");
    assert.deepEqual(
      { to: run.to, roomId: run.roomId, type: run.type },
      { to: peer.to, roomId: peer.roomId, type: "signal" },
    );
    const text = (frame: Uint8Array) => Buffer.from(frame).toString();
    assert.deepEqual(run.frames.map(text), [JSON.stringify(signal), second, "{}"]);
    // Same room and type, another peer; same peer, another room: not the same run.
    const otherRoom: BusMessage = { ...peer, roomId: "abc-defg-hij" };
    assert.deepEqual(
      decodeBusBatch(encodeBusBatch([peer, toOther, otherRoom, otherRoom])).map((m) => m.kind),
      ["peer", "peer", "peers"],
    );
    // A run published again (memory store, tests) is its lines: the same bytes.
    assert.deepEqual(encodeBusBatch(decoded), raw);
  });

  it("writes a relayed signal from its parts as the same line as its serialized frame", () => {
    const data =
      '{"kind":"candidate","candidate":{"candidate":"candidate:1 1 udp 9 127.0.0.1 5 typ host é"}}';
    const parsed: unknown = JSON.parse(data);
    const frame = JSON.stringify({ v: 1, type: "signal", roomId: peer.roomId, from: "a_B-1", data: parsed });
    const asParts = (d: string | Buffer): BusMessage => ({
      ...peer,
      frame: { roomId: peer.roomId, from: "a_B-1", data: d },
    });
    const expected = encodeBusBatch([{ ...peer, frame }, room, { ...peer, frame }]);
    assert.deepEqual(encodeBusBatch([asParts(data), room, asParts(bytes(data))]), expected);
    // Receipt-asking relays too (every other one, so that no run forms); the writer grows past its first
    // buffer without losing a byte.
    const receipt = { replyTo: "a1b2c3d4e5f6", id: "1z", deliverBy: 1_796_000_000_123 };
    const many = Array.from({ length: 300 }, (_, i) => ({ ...asParts(data), ...(i % 2 ? {} : { receipt }) }));
    const decoded = decodeText(encodeBusBatch(many));
    assert.equal(decoded.length, 300);
    assert.deepEqual(decoded[0], { ...peer, frame, receipt });
    assert.deepEqual(decoded[299], { ...peer, frame });
  });

  it("reads the JSON arrays of earlier instances (rolling upgrade)", () => {
    const legacy = JSON.stringify([{ kind: "peer", to: "Zz9_-", msg: signal }, room]);
    assert.deepEqual(decodeText(bytes(legacy)), [peer, room]);
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
      "p",
      "p\tZz9_-\tkxq-wmtb-pze\tsignal\t{}\n\np\tZz9_-\tkxq-wmtb-pze\tsignal\t{}",
      "p\tZz9_-\tkxq-wmtb-pze\tsignal\t{}\np\tZz9_-\tkxq-wmtb-pze",
      "k\t1\n\t2",
    ])
      assert.throws(() => decodeBusBatch(bytes(raw)), Error, raw);
    assert.deepEqual(decodeBusBatch(Buffer.alloc(0)), []);
    assert.deepEqual(encodeBusBatch([]), Buffer.alloc(0));
  });
});
