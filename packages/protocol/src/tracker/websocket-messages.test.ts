import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Value } from "@sinclair/typebox/value";
import { WsClientMessage } from "./websocket-messages.js";

const id = "\u00ff".repeat(10) + "abcdefghij";

describe("WebTorrent WebSocket message schemas", () => {
  it("accepts announces with offers, answers and WebTorrent's null counts", () => {
    assert.ok(
      Value.Check(WsClientMessage, {
        action: "announce",
        info_hash: id,
        peer_id: id,
        numwant: 5,
        left: null,
        offers: [{ offer_id: id, offer: { type: "offer", sdp: "v=0" } }],
      }),
    );
    assert.ok(
      Value.Check(WsClientMessage, {
        action: "announce",
        info_hash: id,
        peer_id: id,
        answer: { type: "answer", sdp: "v=0" },
        to_peer_id: id,
        offer_id: id,
      }),
    );
    assert.ok(Value.Check(WsClientMessage, { action: "scrape", info_hash: [id, id] }));
  });

  const bad: Array<[string, unknown]> = [
    ["offers: [null]", { action: "announce", info_hash: id, peer_id: id, offers: [null] }],
    ["ids beyond one byte per char", { action: "announce", info_hash: "\u4e2d".repeat(20), peer_id: id }],
    ["short ids", { action: "announce", info_hash: "abc", peer_id: id }],
    [
      "offer of the wrong type",
      {
        action: "announce",
        info_hash: id,
        peer_id: id,
        offers: [{ offer_id: id, offer: { type: "answer", sdp: "" } }],
      },
    ],
    [
      "huge sdp",
      { action: "announce", info_hash: id, peer_id: id, answer: { type: "answer", sdp: "x".repeat(20_000) } },
    ],
    ["negative numwant", { action: "announce", info_hash: id, peer_id: id, numwant: -1 }],
    ["unknown action", { action: "connect" }],
  ];
  for (const [name, msg] of bad)
    it(`refuses ${name}`, () => assert.equal(Value.Check(WsClientMessage, msg), false));
});
