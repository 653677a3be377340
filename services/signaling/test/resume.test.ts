import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { TestClient, createMeeting, startServer, waitForStats, type TestServer } from "./helpers.js";

describe("session resume", () => {
  let srv: TestServer;
  const clock = new ManualClock(Date.now());
  const clients: TestClient[] = [];
  const open = async () => {
    const c = await TestClient.session(srv.ws);
    clients.push(c);
    return c;
  };
  const reconnect = async (old: TestClient, token = old.resumeToken) => {
    const c = await TestClient.connect(srv.ws);
    clients.push(c);
    return {
      c,
      hello: { v: 1, type: "hello", resume: { sessionId: old.sessionId, resumeToken: token } } as const,
    };
  };
  beforeAll(async () => {
    srv = await startServer({ SIGNALING_RESUME_GRACE_MS: "30000", SIGNALING_RESUME_BUFFER: "5" }, { clock });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  it("gives a reconnecting client its session and the messages it missed", async () => {
    const { roomId } = await createMeeting(srv.http);
    const a = await open();
    const b = await open();
    await a.request({ v: 1, type: "join", roomId });
    await b.request({ v: 1, type: "join", roomId });
    await b.drop();
    await waitForStats(srv.http, (s) => s.resumableSessions === 1);
    clock.advance(5000);
    for (let i = 0; i < 3; i++) {
      await a.request({
        v: 1,
        type: "signal",
        roomId,
        to: b.sessionId,
        data: { kind: "candidate", candidate: { candidate: `c${i}` } },
      });
    }
    await a.request({ v: 1, type: "chat", roomId, text: "while you were away" });
    const { c, hello } = await reconnect(b);
    const w = await c.request<"welcome">(hello);
    assert.equal(w.resumed, true);
    assert.equal(w.sessionId, b.sessionId);
    assert.deepEqual(w.rooms, [roomId]);
    const sigs = await Promise.all([0, 1, 2].map(() => c.nextOf("signal")));
    assert.deepEqual(
      sigs.map((s) => (s.data.kind === "candidate" ? s.data.candidate?.candidate : "")),
      ["c0", "c1", "c2"],
    );
    assert.equal((await c.nextOf("chat")).entry.text, "while you were away");
    assert.equal(a.all("peer.left").length, 0);
    // The session works as before.
    await c.request({ v: 1, type: "signal", roomId, to: a.sessionId, data: { kind: "ice-restart" } });
    assert.equal((await a.nextOf("signal")).from, b.sessionId);
  });

  it("takes a session over from a connection that still looks alive", async () => {
    const { roomId } = await createMeeting(srv.http);
    const a = await open();
    const b = await open();
    await a.request({ v: 1, type: "join", roomId });
    await b.request({ v: 1, type: "join", roomId });
    const oldClosed = new Promise<number>((resolve) => b.ws.on("close", (code) => resolve(code)));
    const { c, hello } = await reconnect(b);
    const w = await c.request<"welcome">(hello);
    assert.deepEqual([w.resumed, w.rooms], [true, [roomId]]);
    assert.equal(await oldClosed, 4001);
    await a.request({ v: 1, type: "signal", roomId, to: b.sessionId, data: { kind: "ice-restart" } });
    assert.equal((await c.nextOf("signal")).from, a.sessionId);
    assert.equal(a.all("peer.left").length, 0);
  });

  it("refuses a wrong token, an overflowed buffer and an expired grace period", async () => {
    const { roomId } = await createMeeting(srv.http);
    const a = await open();
    const b = await open();
    const d = await open();
    for (const x of [a, b, d]) await x.request({ v: 1, type: "join", roomId });
    await b.drop();
    await waitForStats(srv.http, (s) => s.resumableSessions === 1);
    const wrong = await reconnect(b, "x".repeat(32));
    assert.equal((await wrong.c.expectError(wrong.hello)).code, "not_resumable");
    // A fresh hello on the same connection still works (clean rejoin).
    await wrong.c.request({ v: 1, type: "hello" });

    for (let i = 0; i < 6; i++)
      await a.request({ v: 1, type: "signal", roomId, to: b.sessionId, data: { kind: "ice-restart" } });
    const over = await reconnect(b);
    assert.equal((await over.c.expectError(over.hello)).code, "not_resumable");

    await d.drop();
    await waitForStats(srv.http, (s) => s.resumableSessions === 2);
    clock.advance(31_000);
    const gone = await a.nextOf("peer.left", (m) => m.peerId === d.sessionId, 5000);
    assert.equal(gone.reason, "disconnected");
    const late = await reconnect(d);
    assert.equal((await late.c.expectError(late.hello)).code, "not_resumable");
  });
});
