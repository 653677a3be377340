import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { MemoryBackend, MemoryStore } from "./memory-store.js";
import type { Member, StoredMeeting } from "./store.js";

const meeting = (roomId: string, createdAt: number, hostId = "h"): StoredMeeting => ({
  roomId,
  title: roomId,
  hostId,
  hostKey: "k",
  createdAt,
  expiresAt: createdAt + 60_000,
  settings: {
    maxParticipants: 5,
    requireApproval: false,
    allowedEmailDomains: [],
    locked: false,
    isChatEnabled: true,
    isScreenShareEnabled: true,
    isRecordingEnabled: false,
  },
});
const member = (roomId: string, peerId: string, instanceId: string): Member => ({
  roomId,
  peerId,
  instanceId,
  name: peerId,
  role: "guest",
  state: { audio: false, video: false, screen: false },
  joinedAt: 0,
  status: "joined",
});

describe("MemoryStore", () => {
  it("expires meetings, pages a host's meetings newest first, caps chat", async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryStore({ clock });
    for (let i = 0; i < 5; i++) assert.ok(await store.createMeeting(meeting(`room-${i}`, clock.now() + i)));
    assert.equal(await store.createMeeting(meeting("room-0", clock.now())), false);
    const p1 = await store.listMeetings("h", 2);
    assert.deepEqual(
      p1.items.map((m) => m.roomId),
      ["room-4", "room-3"],
    );
    const p3 = await store.listMeetings("h", 2, "4");
    assert.deepEqual([p3.items.map((m) => m.roomId), p3.nextCursor], [["room-0"], undefined]);
    for (const t of ["a", "b", "c"])
      await store.appendChat({ roomId: "room-1", from: "p", name: "P", text: t, ts: 0 }, 2);
    assert.deepEqual(
      (await store.chatHistory("room-1")).map((c) => [c.seq, c.text]),
      [
        [2, "b"],
        [3, "c"],
      ],
    );
    assert.equal(await store.chatCount("room-1"), 3);
    clock.advance(60_010);
    await store.purgeExpired();
    assert.equal(await store.getMeeting("room-1"), undefined);
    assert.deepEqual(await store.chatHistory("room-1"), []);
  });

  it("shares state and a bus between in-process instances; members of a closed instance vanish", async () => {
    const backend = new MemoryBackend();
    const clock = new ManualClock();
    const [a, b] = [new MemoryStore({ clock, backend }), new MemoryStore({ clock, backend })];
    const got: unknown[] = [];
    await a.start("A", () => undefined);
    await b.start("B", (m) => got.push(m));
    await a.addMember(member("r", "p1", "A"));
    await b.addMember(member("r", "p2", "B"));
    assert.equal((await a.listMembers("r")).length, 2);
    await a.publish("B", {
      kind: "peer",
      to: "p2",
      roomId: "r",
      type: "pong",
      frame: '{"v":1,"type":"pong"}',
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(got.length, 1);
    await b.close();
    assert.deepEqual(
      (await a.listMembers("r")).map((m) => m.peerId),
      ["p1"],
    );
  });
});
