import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { ServerMessage } from "@switchboard/protocol";
import { RedisProcess } from "@switchboard/test-support";
import {
  TestClient,
  closeAll,
  createMeeting,
  fetchHealth,
  sessionOpener,
  sessionWhenUp,
  spawnInstance,
  startPair,
  startServer,
  type TestServer,
} from "./helpers.js";

/** The bound the README states for an answer while Redis hangs (3.25 s), plus slack for a loaded machine. */
const ANSWER_BOUND_MS = 4500;

const redisOk = async (srv: TestServer): Promise<{ status: string; redis: boolean | undefined }> => {
  const h = await fetchHealth(srv);
  return { status: h.status, redis: h.parts.redis?.ok };
};

/** Polls until `pred` holds; returns the milliseconds it took. */
async function msUntil(what: string, pred: () => Promise<boolean>, ms = 10_000): Promise<number> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - start;
}

/** Sends a request with an id and resolves with its answer and how long it took (never rejects on `error`). */
function timed(c: TestClient, id: string, msg: Record<string, unknown>) {
  const sent = Date.now();
  const answer = c.next((m) => m.id === id, 15_000);
  c.send(JSON.stringify({ id, ...msg }));
  return answer.then((m: ServerMessage) => ({ m, ms: Date.now() - sent }));
}

const candidate = (tag: string) => ({ kind: "candidate", candidate: { candidate: tag } }) as const;

describe("a hung Redis (SIGSTOP)", () => {
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
    redis.resume();
    await closeAll(clients, A, B);
    await redis.dispose();
  });

  it("shows in /health within 2 s both ways, answers every request in bounded time, and `unavailable` relays never arrive", async () => {
    const { roomId } = await createMeeting(A.http);
    const other = await createMeeting(A.http);
    const a1 = await on(A);
    const a2 = await on(A);
    const b1 = await on(B);
    for (const c of [a1, a2, b1]) await c.request({ v: 1, type: "join", roomId });
    await a1.request({ v: 1, type: "signal", roomId, to: b1.sessionId, data: candidate("warm") });
    await b1.nextOf("signal");
    assert.deepEqual(await redisOk(A), { status: "ok", redis: true });

    redis.pause();
    const pausedAt = Date.now();
    // A request that needs Redis, then ones that do not: these are answered at once, not after the join.
    const join = timed(a1, "j", { v: 1, type: "join", roomId: other.roomId });
    const pong = await timed(a1, "p", { v: 1, type: "ping" });
    const local = await timed(a1, "l", {
      v: 1,
      type: "signal",
      roomId,
      to: a2.sessionId,
      data: candidate("local"),
    });
    assert.equal(pong.m.type, "pong");
    assert.equal(local.m.type, "ack");
    assert.ok(pong.ms < 1000 && local.ms < 1000, `ping ${pong.ms} ms, local relay ${local.ms} ms`);
    // Cross-instance relays while Redis hangs, before and after the hang is noticed.
    const cross: Promise<{ m: ServerMessage; ms: number }>[] = [];
    const tags: string[] = [];
    const sendCross = (i: number) => {
      tags.push(`hung-${i}`);
      cross.push(
        timed(a1, `x${i}`, {
          v: 1,
          type: "signal",
          roomId,
          to: b1.sessionId,
          data: candidate(`hung-${i}`),
        }),
      );
    };
    sendCross(0);
    const downMs = await msUntil(
      "A reports Redis down",
      async () => (await redisOk(A)).redis === false,
      8000,
    );
    assert.ok(downMs <= 2000, `down after ${downMs} ms`);
    assert.equal((await redisOk(A)).status, "degraded");
    for (let i = 1; i <= 5; i++) sendCross(i);
    const chat = timed(a1, "c", { v: 1, type: "chat", roomId, text: "during" });

    const answers = await Promise.all([join, chat, ...cross]);
    for (const { m, ms } of answers) {
      assert.ok(ms <= ANSWER_BOUND_MS, `answered after ${ms} ms`);
      assert.equal(m.type, "error");
      assert.equal((m as { code?: string }).code, "unavailable");
    }
    // Once the hang is noticed, requests needing Redis fail fast.
    const fast = answers.slice(3);
    assert.ok(
      fast.every((x) => x.ms < 1000),
      fast.map((x) => x.ms).join(","),
    );
    assert.ok(Date.now() - pausedAt < 10_000);

    redis.resume();
    const upMs = await msUntil("A reports Redis up", async () => (await redisOk(A)).redis === true, 8000);
    assert.ok(upMs <= 2000, `up after ${upMs} ms`);
    await msUntil("B reports Redis up", async () => (await redisOk(B)).redis === true, 8000);
    // The relay works again; nothing answered `unavailable` was delivered, even after Redis ran its backlog.
    await msUntil("cross relay again", async () => {
      const r = await timed(a1, `after-${Date.now()}`, {
        v: 1,
        type: "signal",
        roomId,
        to: b1.sessionId,
        data: candidate("after"),
      });
      return r.m.type === "ack";
    });
    await b1.nextOf("signal", (m) => JSON.stringify(m.data).includes('"after"'));
    await new Promise((r) => setTimeout(r, 500));
    const got = b1.all("signal").map((m) => JSON.stringify(m.data));
    for (const tag of tags) assert.ok(!got.some((g) => g.includes(`"${tag}"`)), `${tag} was delivered`);
  }, 60_000);
});

describe("a crashed instance (SIGKILL)", () => {
  let redis: RedisProcess;
  let A: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    redis = await RedisProcess.start();
    // Presence lives 15 s: whatever is noticed sooner is noticed from the dead instance's closed connection.
    A = await startServer({ REDIS_URL: redis.url, SIGNALING_PRESENCE_TTL_MS: "15000" });
  });
  afterAll(async () => {
    await closeAll(clients, A);
    await redis.dispose();
  });

  it("does not ack relays to its members and does not offer them to newcomers", async () => {
    const { roomId, hostKey } = await createMeeting(A.http);
    const a = await TestClient.session(A.ws);
    clients.push(a);
    await a.request({ v: 1, type: "join", roomId });
    const { child, url } = await spawnInstance(redis.url, 15_000);
    try {
      const c = await sessionWhenUp(url);
      clients.push(c);
      await c.request({ v: 1, type: "join", roomId });
      await a.nextOf("peer.joined", (m) => m.peer.peerId === c.sessionId);
      await a.request({ v: 1, type: "signal", roomId, to: c.sessionId, data: candidate("alive") });
      await c.nextOf("signal");

      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
      c.ws.terminate();
      // Redis sees the connection close at once; give it a moment, then every relay is refused, not acked.
      await msUntil("relay refused", async () => {
        const r = await timed(a, `probe-${Date.now()}`, {
          v: 1,
          type: "signal",
          roomId,
          to: c.sessionId,
          data: candidate("probe"),
        });
        return r.m.type === "error";
      });
      for (let i = 0; i < 5; i++) {
        const err = await a.expectError({
          v: 1,
          type: "signal",
          roomId,
          to: c.sessionId,
          data: candidate(`dead-${i}`),
        });
        assert.deepEqual([err.code, err.retryable], ["unavailable", true]);
      }
      // A newcomer (well within the presence TTL) is not offered the dead session; REST agrees.
      const n = await TestClient.session(A.ws);
      clients.push(n);
      const joined = await n.request<"joined">({ v: 1, type: "join", roomId });
      assert.deepEqual(
        joined.peers.map((p) => p.peerId),
        [a.sessionId],
      );
      // The member already in the room hears that the dead session left (the join noticed it).
      const left = await a.nextOf("peer.left", (m) => m.peerId === c.sessionId, 8000);
      assert.equal(left.reason, "disconnected");
      assert.equal(n.all("peer.left").length, 0);
      const parts = (await (
        await fetch(`${A.http}/api/meetings/${roomId}/participants`, { headers: { "x-host-key": hostKey } })
      ).json()) as {
        participants: { peerId: string }[];
      };
      assert.deepEqual(parts.participants.map((p) => p.peerId).sort(), [a.sessionId, n.sessionId].sort());
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 90_000);
});
