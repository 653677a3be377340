import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { ClientMessage } from "@switchboard/protocol";
import { TestClient, createMeeting, startServer, type TestServer } from "./helpers.js";

describe("signaling over real WebSockets (memory store)", () => {
  let srv: TestServer;
  const clients: TestClient[] = [];
  const open = async () => {
    const c = await TestClient.session(srv.ws);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    srv = await startServer({
      TURN_SECRET: "s3cret,old-secret",
      TURN_URLS: "turn:127.0.0.1:3478?transport=udp",
      STUN_URLS: "stun:127.0.0.1:3478",
      SIGNALING_CHAT_HISTORY: "3",
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  it("welcomes with ICE servers and TURN REST credentials signed with the first TURN secret", async () => {
    const c = await TestClient.connect(srv.ws);
    clients.push(c);
    const w = await c.request<"welcome">({ v: 1, type: "hello" });
    assert.equal(w.resumed, false);
    assert.ok(w.sessionId.length > 5 && w.resumeToken.length > 20);
    assert.deepEqual(w.iceServers[0], { urls: ["stun:127.0.0.1:3478"] });
    const turn = w.iceServers[1];
    assert.ok(turn?.username && turn.credential);
    // An anonymous session still gets a user part of its own, so TURN counts its quota per session.
    assert.match(turn.username, /^\d+:anon\.[A-Za-z0-9_-]{16,}$/);
    assert.ok(Number(turn.username.split(":")[0]) > Date.now() / 1000);
    const { turnPassword } = await import("@switchboard/turn-credentials");
    assert.equal(turn.credential, turnPassword("s3cret", turn.username));
  });

  it("gives every anonymous session its own TURN user part, kept when the session resumes", async () => {
    const userPart = (w: { iceServers: Array<{ username?: string }> }) =>
      w.iceServers[1]?.username?.split(":").slice(1).join(":");
    const a = await TestClient.connect(srv.ws);
    const b = await TestClient.connect(srv.ws);
    clients.push(a, b);
    const wa = await a.request<"welcome">({ v: 1, type: "hello" });
    const wb = await b.request<"welcome">({ v: 1, type: "hello" });
    assert.ok(userPart(wa));
    assert.notEqual(userPart(wa), userPart(wb));
    assert.equal(userPart(wa)?.includes(wa.sessionId), false, "the session id itself is not exposed");
    await a.drop();
    const again = await TestClient.connect(srv.ws);
    clients.push(again);
    let resumed: Awaited<ReturnType<typeof again.request<"welcome">>> | undefined;
    for (let i = 0; i < 40 && resumed === undefined; i++) {
      try {
        resumed = await again.request<"welcome">({
          v: 1,
          type: "hello",
          resume: { sessionId: wa.sessionId, resumeToken: wa.resumeToken },
        });
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // the server has not seen the drop yet
      }
    }
    assert.equal(resumed?.resumed, true);
    assert.equal(userPart(resumed ?? { iceServers: [] }), userPart(wa));
  });

  it("joins, sees peers, relays targeted signals with a server-stamped from, and leaves", async () => {
    const { roomId } = await createMeeting(srv.http, { title: "t" });
    const a = await open();
    const b = await open();
    const ja = await a.request<"joined">({ v: 1, type: "join", roomId, name: "Ann" });
    assert.equal(ja.self.role, "guest");
    assert.deepEqual(ja.peers, []);
    const jb = await b.request<"joined">({
      v: 1,
      type: "join",
      roomId,
      name: "Bob",
      state: { audio: true, video: true, screen: false },
    });
    assert.deepEqual(
      jb.peers.map((p) => p.name),
      ["Ann"],
    );
    const pj = await a.nextOf("peer.joined");
    assert.equal(pj.peer.peerId, b.sessionId);
    assert.equal(pj.peer.state.video, true);

    const signature = {
      alg: "ES256",
      publicKey: "pk-b64",
      signature: "sig-b64",
      nonce: "n0nce-0123456789ab",
    } as const;
    const offer = { kind: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", signature } as const;
    await a.request({ v: 1, type: "signal", roomId, to: b.sessionId, data: offer });
    const got = await b.nextOf("signal");
    assert.equal(got.from, a.sessionId);
    assert.deepEqual(got.data, offer);
    // A forged `from` is rejected, not relayed.
    const bad = await b.expectError({
      v: 1,
      type: "signal",
      roomId,
      to: a.sessionId,
      from: "x",
      data: { kind: "ice-restart" },
    } as never);
    assert.equal(bad.code, "invalid_message");
    b.send({
      v: 1,
      type: "signal",
      roomId,
      to: a.sessionId,
      data: {
        kind: "candidate",
        candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0" },
      },
    });
    const cand = await a.nextOf("signal");
    assert.equal(cand.from, b.sessionId);
    assert.equal(cand.data.kind, "candidate");

    await b.request({ v: 1, type: "update", roomId, state: { audio: false } });
    const upd = await a.nextOf("peer.updated");
    assert.deepEqual(upd.peer.state, { audio: false, video: true, screen: false });

    await b.request({ v: 1, type: "leave", roomId });
    const left = await a.nextOf("peer.left");
    assert.deepEqual([left.peerId, left.reason], [b.sessionId, "left"]);
    assert.equal(
      (await a.expectError({ v: 1, type: "signal", roomId, to: b.sessionId, data: { kind: "ice-restart" } }))
        .code,
      "unknown_peer",
    );
  });

  it("keeps chat history bounded for late joiners", async () => {
    const { roomId } = await createMeeting(srv.http);
    const a = await open();
    await a.request({ v: 1, type: "join", roomId, name: "Ann" });
    for (const text of ["one", "two", "three", "four"]) {
      await a.request({ v: 1, type: "chat", roomId, text });
      const echo = await a.nextOf("chat", (m) => m.entry.text === text);
      assert.equal(echo.entry.from, a.sessionId);
      assert.equal(echo.entry.name, "Ann");
    }
    const b = await open();
    const jb = await b.request<"joined">({ v: 1, type: "join", roomId });
    assert.deepEqual(
      jb.chat.map((c) => c.text),
      ["two", "three", "four"],
    );
    assert.deepEqual(
      jb.chat.map((c) => c.seq),
      [2, 3, 4],
    );
  });

  it("isolates many rooms: no message, presence or count crosses rooms", async () => {
    const rooms = await Promise.all(Array.from({ length: 8 }, () => createMeeting(srv.http)));
    const members = await Promise.all(
      rooms.map(async ({ roomId, hostKey }) => {
        const pair = [await open(), await open()];
        for (const c of pair) await c.request({ v: 1, type: "join", roomId });
        return { roomId, hostKey, pair };
      }),
    );
    for (const { roomId, pair } of members) {
      const [x, y] = pair as [TestClient, TestClient];
      await x.request({ v: 1, type: "chat", roomId, text: `hello ${roomId}` });
      await x.request({ v: 1, type: "signal", roomId, to: y.sessionId, data: { kind: "ice-restart" } });
    }
    for (const { roomId, hostKey, pair } of members) {
      const [x, y] = pair as [TestClient, TestClient];
      await y.nextOf("signal");
      await y.nextOf("chat", (m) => m.entry.text === `hello ${roomId}`);
      for (const c of [x, y]) {
        for (const m of c.received) {
          if ("roomId" in m) assert.equal(m.roomId, roomId);
          if (m.type === "chat") assert.equal(m.entry.roomId, roomId);
        }
        assert.equal(c.all("peer.joined").length, c === x ? 1 : 0);
      }
      // A peer of another room is unknown here.
      const other = members.find((o) => o.roomId !== roomId)!.pair[0];
      assert.equal(
        (
          await x.expectError({
            v: 1,
            type: "signal",
            roomId,
            to: other.sessionId,
            data: { kind: "ice-restart" },
          })
        ).code,
        "unknown_peer",
      );
      const res = await fetch(`${srv.http}/api/meetings/${roomId}/participants`, {
        headers: { "x-host-key": hostKey },
      });
      assert.equal(((await res.json()) as { participants: unknown[] }).participants.length, 2);
    }
  });

  it("reports rooms, sessions and message counts on /stats and /metrics, and health", async () => {
    const health = (await (await fetch(`${srv.http}/health`)).json()) as { status: string };
    assert.equal(health.status, "ok");
    const metrics = await (await fetch(`${srv.http}/metrics`)).text();
    assert.match(metrics, /signaling_messages_total\{type="signal",result="ok"\} [1-9]/);
    assert.match(metrics, /signaling_messages_total\{type="signal",result="unknown_peer"\} [1-9]/);
    assert.match(metrics, /signaling_sent_messages_total\{type="signal"\} [1-9]/);
    assert.match(metrics, /signaling_relay_latency_seconds_count\{path="local"\} [1-9]/);
    assert.match(metrics, /signaling_connections [1-9]/);
    assert.doesNotMatch(metrics, /127\.0\.0\.1|peerId|roomId=/);
    const stats = (await (await fetch(`${srv.http}/stats`)).json()) as Record<string, unknown>;
    assert.equal(stats.service, "signaling");
    assert.ok((stats.sessions as number) > 0 && (stats.rooms as number) > 0);
  });

  it("cleans up at once when a client says bye", async () => {
    const { roomId } = await createMeeting(srv.http);
    const a = await open();
    const b = await open();
    await a.request({ v: 1, type: "join", roomId });
    await b.request({ v: 1, type: "join", roomId });
    await b.request({ v: 1, type: "bye" });
    const left = await a.nextOf("peer.left");
    assert.equal(left.peerId, b.sessionId);
  });

  it("counts connection reports as analytics metrics without peer or room labels, and rejects bad ones", async () => {
    const c = await open();
    await c.request({ v: 1, type: "report", outcome: "connected", method: "relay", setupMs: 420 });
    await c.request({ v: 1, type: "report", outcome: "failed", setupMs: 30000, reason: "ice-failed" });
    const bad = await c.expectError({
      v: 1,
      type: "report",
      outcome: "connected",
      method: "carrier-pigeon",
      setupMs: 1,
    } as unknown as ClientMessage);
    assert.equal(bad.code, "invalid_message");
    const metrics = await (await fetch(`${srv.http}/metrics`)).text();
    assert.match(
      metrics,
      /signaling_peer_connections_total\{outcome="connected",method="relay",restart="no"\} 1/,
    );
    assert.match(
      metrics,
      /signaling_peer_connections_total\{outcome="failed",method="none",restart="no"\} 1/,
    );
    assert.match(metrics, /signaling_peer_connection_setup_seconds_count\{method="relay"\} 1/);
  });
});
