import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { TestClient, createMeeting, startServer, type TestServer } from "./helpers.js";

describe("lobby and host controls", () => {
  let srv: TestServer;
  const clients: TestClient[] = [];
  const open = async () => {
    const c = await TestClient.session(srv.ws);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    srv = await startServer({ MAX_PARTICIPANTS: "50" });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  it("holds guests in the lobby until the host admits or denies them", async () => {
    const { roomId, hostKey } = await createMeeting(srv.http, { settings: { requireApproval: true } });
    const host = await open();
    const jh = await host.request<"joined">({ v: 1, type: "join", roomId, hostKey, name: "Host" });
    assert.equal(jh.self.role, "host");
    const guest = await open();
    const waiting = await guest.request<"lobby.waiting">({ v: 1, type: "join", roomId, name: "Guest" });
    assert.equal(waiting.type, "lobby.waiting");
    const req = await host.nextOf("lobby.request");
    assert.equal(req.peer.peerId, guest.sessionId);
    // Waiting guests cannot relay or chat, and are not visible as peers.
    assert.equal((await guest.expectError({ v: 1, type: "chat", roomId, text: "hi" })).code, "lobby_pending");
    const sig = { v: 1, type: "signal", roomId, to: guest.sessionId, data: { kind: "ice-restart" } } as const;
    assert.equal((await host.expectError(sig)).code, "unknown_peer");
    const other = await open();
    await other.request({ v: 1, type: "join", roomId });
    assert.equal(
      (await other.expectError({ v: 1, type: "lobby.admit", roomId, peerId: guest.sessionId })).code,
      "lobby_pending",
    );
    await host.request({ v: 1, type: "lobby.admit", roomId, peerId: guest.sessionId });
    const joined = await guest.nextOf("joined");
    assert.deepEqual(
      joined.peers.map((p) => p.name),
      ["Host"],
    );
    assert.equal(
      (await host.nextOf("peer.joined", (m) => m.peer.peerId === guest.sessionId)).peer.role,
      "guest",
    );
    await guest.request({ v: 1, type: "chat", roomId, text: "in" });
    // Only hosts admit.
    assert.equal(
      (await guest.expectError({ v: 1, type: "lobby.admit", roomId, peerId: other.sessionId })).code,
      "forbidden",
    );

    const denied = await open();
    await denied.request({ v: 1, type: "join", roomId });
    await host.nextOf("lobby.request", (m) => m.peer.peerId === denied.sessionId);
    await host.request({ v: 1, type: "lobby.deny", roomId, peerId: denied.sessionId });
    await denied.nextOf("lobby.denied");
    assert.equal((await denied.expectError({ v: 1, type: "leave", roomId })).code, "not_in_room");
  });

  it("kicks, asks to mute, locks and ends", async () => {
    const { roomId, hostKey } = await createMeeting(srv.http);
    const host = await open();
    await host.request({ v: 1, type: "join", roomId, hostKey });
    const a = await open();
    const b = await open();
    await a.request({ v: 1, type: "join", roomId, name: "A" });
    await b.request({ v: 1, type: "join", roomId, name: "B" });

    await host.request({ v: 1, type: "mute.request", roomId, peerId: a.sessionId, kind: "audio" });
    const mute = await a.nextOf("mute.requested");
    assert.deepEqual([mute.by, mute.kind], [host.sessionId, "audio"]);
    assert.equal(
      (await a.expectError({ v: 1, type: "mute.request", roomId, peerId: b.sessionId, kind: "audio" })).code,
      "forbidden",
    );

    await host.request({ v: 1, type: "kick", roomId, peerId: b.sessionId });
    assert.equal((await b.nextOf("kicked")).by, host.sessionId);
    const left = await a.nextOf("peer.left", (m) => m.peerId === b.sessionId);
    assert.equal(left.reason, "kicked");
    assert.equal((await b.expectError({ v: 1, type: "chat", roomId, text: "x" })).code, "not_in_room");

    await host.request({ v: 1, type: "room.lock", roomId, locked: true });
    assert.equal((await a.nextOf("room.updated")).settings.locked, true);
    const late = await open();
    assert.equal((await late.expectError({ v: 1, type: "join", roomId })).code, "room_locked");
    // The host still gets in (e.g. from a second device).
    const host2 = await open();
    await host2.request({ v: 1, type: "join", roomId, hostKey });
    await host.request({ v: 1, type: "room.lock", roomId, locked: false });
    await late.request({ v: 1, type: "join", roomId });

    await host.request({ v: 1, type: "room.end", roomId });
    await a.nextOf("room.ended");
    await late.nextOf("room.ended");
    assert.equal((await a.expectError({ v: 1, type: "chat", roomId, text: "x" })).code, "not_in_room");
    assert.equal((await a.expectError({ v: 1, type: "join", roomId })).code, "meeting_ended");
  });

  it("refuses joins beyond max participants and outside allowed e-mail domains", async () => {
    const full = await createMeeting(srv.http, { settings: { maxParticipants: 2 } });
    const [x, y, z] = [await open(), await open(), await open()];
    await x.request({ v: 1, type: "join", roomId: full.roomId });
    await y.request({ v: 1, type: "join", roomId: full.roomId });
    const err = await z.expectError({ v: 1, type: "join", roomId: full.roomId });
    assert.deepEqual([err.code, err.retryable], ["room_full", true]);
    await y.request({ v: 1, type: "leave", roomId: full.roomId });
    await z.request({ v: 1, type: "join", roomId: full.roomId });

    const corp = await createMeeting(srv.http, { settings: { allowedEmailDomains: ["example.com"] } });
    assert.equal((await x.expectError({ v: 1, type: "join", roomId: corp.roomId })).code, "forbidden");
    await x.request({ v: 1, type: "join", roomId: corp.roomId, hostKey: corp.hostKey });
  });
});
