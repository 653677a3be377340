import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { Member } from "../store/store.js";
import { RoomView } from "./room-view.js";

const m = (peerId: string, instanceId: string, roomId = "r"): Member => ({
  roomId,
  peerId,
  instanceId,
  name: peerId,
  role: "guest",
  state: { audio: false, video: false, screen: false },
  joinedAt: 0,
  status: "joined",
});

describe("RoomView", () => {
  it("tracks members per room, other instances and local counts", () => {
    const v = new RoomView();
    v.load("r", [m("a", "A"), m("b", "B"), m("c", "C")], undefined, "A");
    assert.deepEqual([...v.otherInstances("r", "A")].sort(), ["B", "C"]);
    assert.equal(v.localCount("A"), 1);
    v.load("r", [m("b", "B")], undefined, "A");
    assert.deepEqual(
      v
        .members("r")
        .map((x) => x.peerId)
        .sort(),
      ["a", "b"],
      "reload replaces remote members only",
    );
    v.trackRemovals();
    v.remove("r", "b");
    assert.ok(v.wasRemoved("r", "b"));
    v.dropIfNoLocal("r", "A");
    assert.ok(v.has("r"), "kept while a local member is there");
    v.remove("r", "a");
    v.dropIfNoLocal("r", "A");
    assert.equal(v.has("r"), false);
  });
});
