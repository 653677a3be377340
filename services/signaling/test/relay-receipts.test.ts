import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { ServerMessage } from "@switchboard/protocol";
import { RedisProcess } from "@switchboard/test-support";
import { Redis } from "ioredis";
import { redisKeys } from "../src/store/redis-keys.js";
import {
  TestClient,
  closeAll,
  createMeeting,
  sessionWhenUp,
  spawnInstance,
  startServer,
  type TestServer,
} from "./helpers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface InstanceOverRedis {
  redis: RedisProcess;
  A: TestServer;
  readonly clients: TestClient[];
}

/** For one describe block: its own Redis and instance A on it (rate limits out of the way). */
function useInstanceOverRedis(): InstanceOverRedis {
  const ctx = { clients: [] } as unknown as InstanceOverRedis;
  beforeAll(async () => {
    ctx.redis = await RedisProcess.start();
    ctx.A = await startServer({
      REDIS_URL: ctx.redis.url,
      SIGNALING_PRESENCE_TTL_MS: "15000",
      SIGNALING_RATE_LIMIT: "100000",
      SIGNALING_RATE_BURST: "100000",
    });
  });
  afterAll(async () => {
    await closeAll(ctx.clients, ctx.A);
    await ctx.redis.dispose();
  });
  return ctx;
}

/**
 * A meeting with `a` on instance A and `c` on a second instance spawned for the test, once `a` has seen `c` join.
 * The caller kills `child`.
 */
async function pairAcrossInstances(
  ctx: InstanceOverRedis,
): Promise<{ roomId: string; a: TestClient; c: TestClient; child: ChildProcess }> {
  const { roomId } = await createMeeting(ctx.A.http);
  const a = await TestClient.session(ctx.A.ws);
  ctx.clients.push(a);
  await a.request({ v: 1, type: "join", roomId });
  const { child, url } = await spawnInstance(ctx.redis.url, 15_000);
  try {
    const c = await sessionWhenUp(url);
    ctx.clients.push(c);
    await c.request({ v: 1, type: "join", roomId });
    await a.nextOf("peer.joined", (m) => m.peer.peerId === c.sessionId);
    return { roomId, a, c, child };
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
}

describe("relay receipts: the receiving instance dies (SIGSTOP, then SIGKILL) with relays in flight", () => {
  const ctx = useInstanceOverRedis();

  it("acks only relays the recipient received; every relay is answered", async () => {
    const { roomId, a, c, child } = await pairAcrossInstances(ctx);
    try {
      // What the recipient got, and each request's answer, by tag.
      const received = new Set<string>();
      c.ws.on("message", (raw) => {
        const m = JSON.parse((raw as Buffer).toString("utf8")) as ServerMessage;
        if (m.type === "signal" && m.data.kind === "candidate")
          received.add(m.data.candidate?.candidate ?? "");
      });
      const answers = new Map<string, { type: string; code?: string; at: number }>();
      const sentAt = new Map<string, number>();
      a.ws.on("message", (raw) => {
        const m = JSON.parse((raw as Buffer).toString("utf8")) as ServerMessage;
        if (m.id?.startsWith("t") !== true) return;
        answers.set(
          m.id,
          m.type === "error"
            ? { type: "error", code: m.code, at: Date.now() }
            : { type: m.type, at: Date.now() },
        );
      });
      let n = 0;
      const burst = (count: number) => {
        for (let i = 0; i < count; i++) {
          const tag = `t${++n}`;
          sentAt.set(tag, Date.now());
          a.send(
            JSON.stringify({
              v: 1,
              type: "signal",
              id: tag,
              roomId,
              to: c.sessionId,
              data: { kind: "candidate", candidate: { candidate: tag } },
            }),
          );
        }
      };
      const sendFor = async (ms: number) => {
        const end = Date.now() + ms;
        while (Date.now() < end) {
          burst(10);
          await sleep(5);
        }
      };

      await sendFor(400);
      // Stopped: its subscription stays open (Redis still counts it as a receiver) but nothing is written any
      // more — the window between a crash and its sockets closing, made long. Then it dies.
      child.kill("SIGSTOP");
      await sendFor(400);
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
      await sendFor(300);

      // Every request is answered, within the stated bound (2 s, plus slack for a loaded machine).
      const end = Date.now() + 15_000;
      while (answers.size < n && Date.now() < end) await sleep(50);
      assert.equal(answers.size, n, "every relay answered");
      let slowest = 0;
      for (const [tag, ans] of answers) slowest = Math.max(slowest, ans.at - (sentAt.get(tag) ?? 0));
      assert.ok(slowest < 5000, `answered within 5 s (slowest ${slowest} ms)`);
      // Give the recipient's client a moment to read what its dead instance's kernel still sent.
      await sleep(200);

      const acked = [...answers].filter(([, v]) => v.type === "ack").map(([k]) => k);
      const refused = [...answers].filter(([, v]) => v.type === "error");
      const lost = acked.filter((tag) => !received.has(tag));
      assert.deepEqual(
        lost,
        [],
        `${lost.length} of ${acked.length} acked relays never reached the recipient`,
      );
      // Not vacuous: relays went through before the stop, and were refused after it.
      assert.ok(acked.length > 50, `acked ${acked.length}`);
      assert.ok(refused.length > 50, `refused ${refused.length}`);
      for (const [, v] of refused) assert.ok(v.code === "unavailable" || v.code === "unknown_peer", v.code);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 120_000);
});

describe("relays without an id share their batch's publish", () => {
  const ctx = useInstanceOverRedis();

  it("delivers a burst in order, and reports each relay of a burst to a dead instance", async () => {
    const { roomId, a, c, child } = await pairAcrossInstances(ctx);
    try {
      const got: string[] = [];
      c.ws.on("message", (raw) => {
        const m = JSON.parse((raw as Buffer).toString("utf8")) as ServerMessage;
        if (m.type === "signal" && m.data.kind === "candidate") got.push(m.data.candidate?.candidate ?? "");
      });
      const errors: string[] = [];
      a.ws.on("message", (raw) => {
        const m = JSON.parse((raw as Buffer).toString("utf8")) as ServerMessage;
        if (m.type === "error") errors.push(m.code);
      });
      const burst = (tag: string, count: number): string[] => {
        const tags = Array.from({ length: count }, (_, i) => `${tag}${i}`);
        for (const t of tags)
          a.send(
            JSON.stringify({
              v: 1,
              type: "signal",
              roomId,
              to: c.sessionId,
              data: { kind: "candidate", candidate: { candidate: t } },
            }),
          );
        return tags;
      };
      // Several bursts, each sent in one turn (one publish per burst on A): all arrive, in order.
      const sent = [...burst("a", 40), ...burst("b", 40), ...burst("c", 40)];
      const end = Date.now() + 15_000;
      while (got.length < sent.length && Date.now() < end) await sleep(20);
      assert.deepEqual(got, sent);
      assert.deepEqual(errors, []);

      // Its instance dies: its bus subscription closes, so each relay of the next burst (one shared publish
      // that no one receives) is reported on its own.
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
      burst("d", 25);
      const until = Date.now() + 15_000;
      while (errors.length < 25 && Date.now() < until) await sleep(20);
      assert.equal(errors.length, 25, `errors: ${errors.join(",")}`);
      for (const code of errors) assert.ok(code === "unavailable" || code === "unknown_peer", code);
      assert.equal(got.length, sent.length, "nothing after the death arrived");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 120_000);
});

describe("relay receipts: what the receiving instance answers", () => {
  let redis: RedisProcess;
  let B: TestServer;
  const clients: TestClient[] = [];
  let pub: Redis;
  let sub: Redis;
  beforeAll(async () => {
    redis = await RedisProcess.start();
    B = await startServer({ REDIS_URL: redis.url });
    pub = new Redis(redis.url);
    sub = new Redis(redis.url);
  });
  afterAll(async () => {
    pub.disconnect();
    sub.disconnect();
    await closeAll(clients, B);
    await redis.dispose();
  });

  it("a receipt after the write, `gone` for a peer not there, nothing past the deadline", async () => {
    const { roomId } = await createMeeting(B.http);
    const c = await TestClient.session(B.ws);
    clients.push(c);
    await c.request({ v: 1, type: "join", roomId });
    // This test plays a sending instance: it publishes on B's bus and reads the receipts on its own channel.
    const me = `receipts-test-${process.pid}`;
    const receipts: string[] = [];
    sub.on("message", (_ch: string, raw: string) => receipts.push(raw));
    await sub.subscribe(redisKeys.bus(me));
    const frame = (tag: string) =>
      JSON.stringify({
        v: 1,
        type: "signal",
        roomId,
        from: "x",
        data: { kind: "candidate", candidate: { candidate: tag } },
      });
    const relay = (id: string, to: string, tag: string, deliverBy: number) =>
      `q\t${me}\t${id}\t${deliverBy}\t${to}\t${roomId}\tsignal\t${frame(tag)}`;
    const [secs] = await pub.time();
    const soon = Number(secs) * 1000 + 10_000;
    const late = Number(secs) * 1000 - 1000;
    const bus = redisKeys.bus(B.server.instanceId);
    // One PUBLISH (one turn on B): two delivered, one for a peer that is not there, one past its deadline.
    const batch = [
      relay("1", c.sessionId, "first", soon),
      relay("2", "nobody", "lost", soon),
      relay("3", c.sessionId, "late", late),
      relay("4", c.sessionId, "second", soon),
    ].join("\n");
    assert.equal(await pub.publish(bus, batch), 1);
    const got = [await c.nextOf("signal"), await c.nextOf("signal")].map((m) =>
      m.data.kind === "candidate" ? m.data.candidate?.candidate : "",
    );
    assert.deepEqual(got, ["first", "second"]);
    const end = Date.now() + 5000;
    while (receipts.length === 0 && Date.now() < end) await sleep(20);
    await sleep(300);
    assert.deepEqual(receipts, ["k\t1,4\t2"], "one receipt message for the turn");
    assert.equal(c.all("signal").length, 2, "the late relay was not delivered");
  }, 60_000);
});
