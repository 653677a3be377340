import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ChatLog, fromEntry } from "./chat-log.js";

describe("chat log", () => {
  it("keeps each message once, counts unread from others only, not history", () => {
    const log = new ChatLog();
    const e = { roomId: "r-1", seq: 1, from: "b", name: "B", text: "hi", ts: 1 };
    assert.equal(log.add(fromEntry({ ...e, seq: 0 }, "a"), { history: true }), true);
    assert.equal(log.add(fromEntry(e, "a")), true);
    assert.equal(log.add(fromEntry(e, "a")), false);
    assert.equal(log.add(fromEntry({ ...e, seq: 2, from: "a" }, "a")), true);
    assert.equal(log.items.length, 3);
    assert.equal(log.unread, 1);
    log.markRead();
    assert.equal(log.unread, 0);
  });
});
