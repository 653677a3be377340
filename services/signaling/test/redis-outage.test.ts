import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  closeAll,
  createMeeting,
  fetchHealth as health,
  sessionOpener,
  startPair,
  type TestClient,
  type TestServer,
} from "./helpers.js";
import { RedisProcess } from "@switchboard/test-support";

async function until(what: string, pred: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Redis stopped and restarted mid-test", () => {
  let redis: RedisProcess;
  let A: TestServer;
  let B: TestServer;
  const clients: TestClient[] = [];
  const on = sessionOpener(clients);
  beforeAll(async () => {
    redis = await RedisProcess.start();
    ({ A, B } = await startPair(redis.url));
  });
  afterAll(async () => {
    await closeAll(clients, A, B);
    await redis.dispose();
  });

  it("keeps local relay working, answers retryable errors, then recovers with rooms and presence intact", async () => {
    const { roomId, hostKey } = await createMeeting(A.http);
    const a1 = await on(A);
    const a2 = await on(A);
    const b1 = await on(B);
    for (const c of [a1, a2, b1]) await c.request({ v: 1, type: "join", roomId });
    assert.equal((await health(A)).status, "ok");

    await redis.stop();
    await until("A sees Redis down", async () => (await health(A)).parts.redis?.ok === false);
    await until("B sees Redis down", async () => (await health(B)).parts.redis?.ok === false);
    const h = await health(A);
    assert.equal(h.status, "degraded");

    // Peers on the same instance keep relaying.
    for (let i = 0; i < 5; i++) {
      await a1.request({
        v: 1,
        type: "signal",
        roomId,
        to: a2.sessionId,
        data: { kind: "candidate", candidate: { candidate: `x${i}` } },
      });
      assert.equal((await a2.nextOf("signal")).from, a1.sessionId);
    }
    // Cross-instance relay, joins, chat and REST get clear retryable errors.
    const cross = await a1.expectError({
      v: 1,
      type: "signal",
      roomId,
      to: b1.sessionId,
      data: { kind: "ice-restart" },
    });
    assert.deepEqual([cross.code, cross.retryable], ["unavailable", true]);
    // A candidate without a request id is not acknowledged, but its failure is still reported.
    a1.send({ v: 1, type: "signal", roomId, to: b1.sessionId, data: { kind: "candidate", candidate: null } });
    const unacked = await a1.nextOf("error", (e) => e.id === undefined && e.code === "unavailable");
    assert.equal(unacked.retryable, true);
    const newcomer = await on(B);
    const j = await newcomer.expectError({ v: 1, type: "join", roomId });
    assert.deepEqual([j.code, j.retryable], ["unavailable", true]);
    assert.equal((await a1.expectError({ v: 1, type: "chat", roomId, text: "x" })).code, "unavailable");
    const rest = await fetch(`${A.http}/api/meetings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(rest.status, 503);
    const body = (await rest.json()) as { error: { code: string; retryable: boolean } };
    assert.deepEqual(body.error, { ...body.error, code: "unavailable", retryable: true });
    // A peer leaving during the outage is removed at once locally...
    await a2.request({ v: 1, type: "leave", roomId });
    assert.equal((await a1.nextOf("peer.left")).peerId, a2.sessionId);

    // Redis comes back empty (no persistence): instances re-register rooms and members by themselves.
    await redis.start();
    await until("A reconnected", async () => (await health(A)).status === "ok");
    await until("B reconnected", async () => (await health(B)).status === "ok");
    await until("membership re-registered", async () => {
      const r = await fetch(`${B.http}/api/meetings/${roomId}/participants`, {
        headers: { "x-host-key": hostKey },
      });
      if (r.status !== 200) return false;
      const ids = ((await r.json()) as { participants: { peerId: string }[] }).participants
        .map((p) => p.peerId)
        .sort();
      return JSON.stringify(ids) === JSON.stringify([a1.sessionId, b1.sessionId].sort());
    });
    // ...and the cross-instance path and joins work again, with nobody dropped by mistake.
    await a1.request({ v: 1, type: "signal", roomId, to: b1.sessionId, data: { kind: "ice-restart" } });
    assert.equal((await b1.nextOf("signal")).from, a1.sessionId);
    const jn = await newcomer.request<"joined">({ v: 1, type: "join", roomId });
    assert.deepEqual(jn.peers.map((p) => p.peerId).sort(), [a1.sessionId, b1.sessionId].sort());
    await newcomer.request({ v: 1, type: "chat", roomId, text: "back" });
    await a1.nextOf("chat", (m) => m.entry.text === "back");
    await b1.nextOf("chat", (m) => m.entry.text === "back");
    // Wait past a presence TTL: the sweep must not drop anyone alive.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(a1.all("peer.left").filter((m) => m.peerId === b1.sessionId).length, 0);
    assert.equal(b1.all("peer.left").filter((m) => m.peerId === a1.sessionId).length, 0);
  });
});
