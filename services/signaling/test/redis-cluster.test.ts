import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { once } from "node:events";
import {
  closeAll,
  createMeeting,
  sessionOpener,
  sessionWhenUp,
  spawnInstance,
  startPair,
  type TestClient,
  type TestServer,
} from "./helpers.js";
import { sharedRedis } from "@switchboard/test-support";

describe("two instances sharing Redis serve one room as one", () => {
  let redis: { url: string; dispose: () => Promise<void> };
  let A: TestServer;
  let B: TestServer;
  const clients: TestClient[] = [];
  const on = sessionOpener(clients);
  beforeAll(async () => {
    redis = await sharedRedis();
    ({ A, B } = await startPair(redis.url));
  });
  afterAll(async () => {
    await closeAll(clients, A, B);
    await redis.dispose();
  });

  it("relays offers, answers, candidates, chat and presence between a peer on each instance", async () => {
    const { roomId, hostKey } = await createMeeting(A.http, { title: "cross" });
    const a = await on(A);
    const b = await on(B);
    await a.request({ v: 1, type: "join", roomId, name: "A" });
    const jb = await b.request<"joined">({ v: 1, type: "join", roomId, name: "B" });
    assert.deepEqual(
      jb.peers.map((p) => p.peerId),
      [a.sessionId],
    );
    assert.equal((await a.nextOf("peer.joined")).peer.peerId, b.sessionId);

    const offer = {
      kind: "offer",
      sdp: "v=0\r\noffer\r\n",
      signature: { alg: "ES256", publicKey: "pk", signature: "sig", nonce: "n0nce-0123456789ab" },
    } as const;
    await a.request({ v: 1, type: "signal", roomId, to: b.sessionId, data: offer });
    const gotOffer = await b.nextOf("signal");
    assert.deepEqual([gotOffer.from, gotOffer.data], [a.sessionId, offer]);
    await b.request({
      v: 1,
      type: "signal",
      roomId,
      to: a.sessionId,
      data: { kind: "answer", sdp: "v=0\r\nanswer\r\n" },
    });
    assert.equal((await a.nextOf("signal")).data.kind, "answer");
    for (let i = 0; i < 20; i++)
      b.send({
        v: 1,
        type: "signal",
        roomId,
        to: a.sessionId,
        data: { kind: "candidate", candidate: { candidate: `c${i}` } },
      });
    const cands = await Promise.all(Array.from({ length: 20 }, () => a.nextOf("signal", undefined)));
    assert.deepEqual(
      cands.map((m) =>
        m.type === "signal" && m.data.kind === "candidate" ? m.data.candidate?.candidate : "",
      ),
      Array.from({ length: 20 }, (_, i) => `c${i}`),
      "in order",
    );

    await b.request({ v: 1, type: "chat", roomId, text: "hi from B" });
    assert.equal((await a.nextOf("chat")).entry.text, "hi from B");
    await a.request({ v: 1, type: "update", roomId, state: { video: true } });
    assert.equal((await b.nextOf("peer.updated")).peer.state.video, true);

    const late = await on(A);
    const jl = await late.request<"joined">({ v: 1, type: "join", roomId });
    assert.deepEqual(jl.peers.map((p) => p.name).sort(), ["A", "B"]);
    assert.deepEqual(
      jl.chat.map((c) => c.text),
      ["hi from B"],
    );
    const url = `${B.http}/api/meetings/${roomId}/participants`;
    const parts = (await (await fetch(url, { headers: { "x-host-key": hostKey } })).json()) as {
      participants: unknown[];
    };
    assert.equal(parts.participants.length, 3);

    await b.request({ v: 1, type: "leave", roomId });
    assert.equal((await a.nextOf("peer.left")).peerId, b.sessionId);
  });

  it("runs the lobby, kick and end across instances", async () => {
    const { roomId, hostKey } = await createMeeting(B.http, { settings: { requireApproval: true } });
    const host = await on(A);
    await host.request({ v: 1, type: "join", roomId, hostKey });
    const guest = await on(B);
    await guest.request({ v: 1, type: "join", roomId });
    await host.nextOf("lobby.request", (m) => m.peer.peerId === guest.sessionId);
    await host.request({ v: 1, type: "lobby.admit", roomId, peerId: guest.sessionId });
    assert.equal((await guest.nextOf("joined")).peers[0]?.peerId, host.sessionId);
    await host.request({ v: 1, type: "mute.request", roomId, peerId: guest.sessionId, kind: "video" });
    await guest.nextOf("mute.requested");
    await host.request({ v: 1, type: "kick", roomId, peerId: guest.sessionId });
    await guest.nextOf("kicked");
    assert.equal((await guest.expectError({ v: 1, type: "chat", roomId, text: "x" })).code, "not_in_room");

    const other = await on(B);
    await host.request({ v: 1, type: "room.lock", roomId, locked: false });
    const res = await fetch(`${B.http}/api/meetings/${roomId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "x-host-key": hostKey },
      body: JSON.stringify({ settings: { requireApproval: false } }),
    });
    assert.equal(res.status, 200);
    await host.nextOf("room.updated", (m) => !m.settings.requireApproval);
    await other.request({ v: 1, type: "join", roomId });
    const end = await fetch(`${B.http}/api/meetings/${roomId}/end`, {
      method: "POST",
      headers: { "x-host-key": hostKey },
    });
    assert.equal(end.status, 200);
    await host.nextOf("room.ended");
    await other.nextOf("room.ended");
  });

  it("drops the participants of a crashed instance when its presence expires", async () => {
    const { roomId, hostKey } = await createMeeting(A.http);
    const a = await on(A);
    await a.request({ v: 1, type: "join", roomId });
    const { child, url } = await spawnInstance(redis.url, 1500);
    try {
      const c = await sessionWhenUp(url);
      clients.push(c);
      await c.request({ v: 1, type: "join", roomId });
      await a.nextOf("peer.joined", (m) => m.peer.peerId === c.sessionId);
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
      const left = await a.nextOf("peer.left", (m) => m.peerId === c.sessionId, 8000);
      assert.equal(left.reason, "disconnected");
      const partsUrl = `${A.http}/api/meetings/${roomId}/participants`;
      const parts = (await (await fetch(partsUrl, { headers: { "x-host-key": hostKey } })).json()) as {
        participants: { peerId: string }[];
      };
      assert.deepEqual(
        parts.participants.map((p) => p.peerId),
        [a.sessionId],
      );
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
