import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { StoredMeeting } from "../store/store.js";
import { MeetingBook } from "./meeting-book.js";

const meeting = (roomId: string, createdAt: number, over: Partial<StoredMeeting> = {}): StoredMeeting => ({
  roomId,
  title: roomId,
  hostId: "h",
  hostKey: "k",
  createdAt,
  expiresAt: createdAt + 60_000,
  settings: {
    maxParticipants: 10,
    requireApproval: false,
    allowedEmailDomains: [],
    locked: false,
    isChatEnabled: true,
    isScreenShareEnabled: true,
    isRecordingEnabled: false,
  },
  ...over,
});

describe("MeetingBook", () => {
  it("lists a host's meetings newest first, by page, from the host index", () => {
    const book = new MeetingBook();
    for (let i = 0; i < 5; i++) assert.ok(book.add(meeting(`m${i}`, 1000 + i), 0));
    for (let i = 0; i < 1000; i++) book.add(meeting(`other${i}`, 1000, { hostId: `u${i}` }), 0);
    book.add(meeting("anon", 1000, { hostId: undefined }), 0);
    assert.equal(book.add(meeting("m0", 5000), 0), false);
    const p1 = book.listByHost("h", { now: 0, limit: 2 });
    assert.deepEqual([p1.items.map((m) => m.roomId), p1.nextCursor], [["m4", "m3"], "2"]);
    const p3 = book.listByHost("h", { now: 0, limit: 2, cursor: "4" });
    assert.deepEqual([p3.items.map((m) => m.roomId), p3.nextCursor], [["m0"], undefined]);
    assert.equal(book.hostIndexSize("h"), 5);
    assert.equal(book.listByHost("nobody", { now: 0, limit: 5 }).items.length, 0);
  });

  it("sweeps expired meetings in expiry order and drops them from the host index", () => {
    const book = new MeetingBook();
    book.add(meeting("early", 0), 0);
    book.add(meeting("late", 30_000), 0);
    book.add(meeting("solo", 0, { hostId: "x" }), 0);
    assert.deepEqual(book.sweep(59_999), []);
    assert.deepEqual(book.sweep(60_000).sort(), ["early", "solo"]);
    assert.equal(book.size, 1);
    assert.equal(book.hostIndexSize("h"), 1);
    assert.equal(book.hostIndexSize("x"), 0);
    assert.equal(book.get("early", 60_000), undefined);
    assert.equal(book.get("late", 60_000)?.roomId, "late");
    // Expired meetings are not listed even before a sweep.
    assert.equal(book.listByHost("h", { now: 90_000, limit: 5 }).items.length, 0);
    assert.deepEqual(book.sweep(90_000), ["late"]);
    assert.equal(book.size, 0);
  });

  it("a meeting written back keeps its place; a code reused after expiry starts afresh", () => {
    const book = new MeetingBook();
    book.add(meeting("r", 0), 0);
    book.put({ ...meeting("r", 0), title: "renamed" });
    assert.equal(book.get("r", 1)?.title, "renamed");
    assert.ok(book.add(meeting("r", 70_000, { hostId: "y" }), 70_000));
    assert.deepEqual(book.sweep(70_000), []);
    assert.equal(book.hostIndexSize("h"), 0);
    assert.equal(book.hostIndexSize("y"), 1);
    assert.deepEqual(book.sweep(130_000), ["r"]);
  });

  it("filters a host's meetings by status before paging", () => {
    const book = new MeetingBook();
    for (let i = 0; i < 6; i++) book.add(meeting(`m${i}`, 1000 + i, i % 2 ? { endedAt: 2000 } : {}), 0);
    const ended = book.listByHost("h", { now: 0, limit: 2, status: "ended" });
    assert.deepEqual([ended.items.map((m) => m.roomId), ended.nextCursor], [["m5", "m3"], "2"]);
    const rest = book.listByHost("h", { now: 0, limit: 2, cursor: "2", status: "ended" });
    assert.deepEqual([rest.items.map((m) => m.roomId), rest.nextCursor], [["m1"], undefined]);
    const active = book.listByHost("h", { now: 0, limit: 5, status: "active" });
    assert.deepEqual(
      active.items.map((m) => m.roomId),
      ["m4", "m2", "m0"],
    );
  });
});
