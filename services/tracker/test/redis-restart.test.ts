/**
 * Drill: the tracker over Redis under announce load while Redis is killed and restarted empty. Every announce
 * is answered (peers or "tracker temporarily unavailable"), none hangs, and every swarm is full again within
 * one announce interval of Redis coming back (clients announce once an interval).
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import bencode from "bencode";
import { RedisProcess } from "@switchboard/test-support";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { announceQuery, percentEncode } from "./clients.js";

const INTERVAL_S = 10;
const SWARMS = 4;
const PEERS_PER_SWARM = 10;
/** An announce not answered within this is a hang. */
const ANSWER_MS = 3000;

type Outcome = "ok" | "unavailable" | "other-failure" | "hung" | "error";

describe("tracker over Redis: Redis killed and restarted empty under load", () => {
  let redis: RedisProcess;
  let t: StartedTracker;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  beforeAll(async () => {
    redis = await RedisProcess.start();
    t = await startTracker({
      redisUrl: redis.url,
      redisPrefix: `drill-${randomBytes(3).toString("hex")}:`,
      interval: INTERVAL_S,
      minInterval: 1,
      peerTtl: 3 * INTERVAL_S,
    });
  });
  afterAll(async () => {
    agent.destroy();
    await t?.close();
    await redis?.dispose();
  });

  const get = (path: string): Promise<Record<string, unknown> | "hung" | "error"> =>
    new Promise((resolve) => {
      const req = request(`${t.url}${path}`, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          try {
            resolve(bencode.decode(Buffer.concat(chunks)) as Record<string, unknown>);
          } catch {
            resolve("error");
          }
        });
      });
      const timer = setTimeout(() => {
        req.destroy();
        resolve("hung");
      }, ANSWER_MS);
      req.on("error", () => {
        clearTimeout(timer);
        resolve("error");
      });
      req.end();
    });

  const classify = (r: Record<string, unknown> | "hung" | "error"): Outcome => {
    if (r === "hung" || r === "error") return r;
    const f = r["failure reason"];
    if (f === undefined) return "ok";
    return Buffer.from(f as Uint8Array).toString() === "tracker temporarily unavailable"
      ? "unavailable"
      : "other-failure";
  };

  it("answers every announce during the outage and refills swarms within one interval", async () => {
    const swarms = Array.from({ length: SWARMS }, () => randomBytes(20));
    const peers = swarms.flatMap((infoHash) =>
      Array.from({ length: PEERS_PER_SWARM }, (_, i) => ({
        infoHash,
        peerId: randomBytes(20),
        port: 7000 + i,
      })),
    );
    const ready = Date.now() + 10_000;
    while ((await fetch(`${t.url}/health`)).status !== 200) {
      assert.ok(Date.now() < ready, "tracker never healthy");
      await new Promise((r) => setTimeout(r, 100));
    }
    const outcomes = new Map<Outcome, number>();
    const note = (o: Outcome): void => {
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    };
    let running = true;
    const announce = async (p: (typeof peers)[number]): Promise<void> => {
      note(classify(await get(`/announce?${announceQuery({ ...p, numwant: 5 })}`)));
    };
    // Each peer announces once an interval, at its own phase, as clients do.
    const clients = peers.map(async (p, i) => {
      await new Promise((r) => setTimeout(r, (i / peers.length) * INTERVAL_S * 1000));
      while (running) {
        const next = Date.now() + INTERVAL_S * 1000;
        await announce(p);
        while (running && Date.now() < next) await new Promise((r) => setTimeout(r, 100));
      }
    });
    // Extra load: back-to-back announces of short-lived peers in a swarm of their own.
    const loadHash = randomBytes(20);
    const load = Array.from({ length: 2 }, async () => {
      while (running) {
        await announce({ infoHash: loadHash, peerId: randomBytes(20), port: 9000 });
        await new Promise((r) => setImmediate(r));
      }
    });
    const full = async (): Promise<boolean> => {
      const q = swarms.map((h) => `info_hash=${percentEncode(h)}`).join("&");
      const r = await get(`/scrape?${q}`);
      if (typeof r === "string" || r["failure reason"] !== undefined) return false;
      const files = Object.values(r.files as Record<string, { incomplete: number }>);
      return files.length === SWARMS && files.every((f) => f.incomplete === PEERS_PER_SWARM);
    };
    try {
      // Warm-up: one interval, every peer listed.
      const warm = Date.now() + (INTERVAL_S + 5) * 1000;
      while (!(await full())) {
        assert.ok(Date.now() < warm, "swarms never filled before the outage");
        await new Promise((r) => setTimeout(r, 200));
      }
      const beforeOutage = new Map(outcomes);
      assert.deepEqual(
        [...beforeOutage.keys()].sort(),
        ["ok"],
        `before the outage: ${JSON.stringify([...outcomes])}`,
      );

      await redis.stop();
      const downAt = Date.now();
      // Announce directly for 4 s of outage: every one answered (most "unavailable"), none hung.
      while (Date.now() - downAt < 4000) await new Promise((r) => setTimeout(r, 100));
      const during = new Map(outcomes);
      assert.ok(
        (during.get("unavailable") ?? 0) > 0,
        `no refusal during the outage: ${JSON.stringify([...during])}`,
      );

      await redis.start();
      const restartedAt = Date.now();
      while ((await fetch(`${t.url}/health`)).status !== 200) {
        assert.ok(Date.now() - restartedAt < 5000, "tracker did not reconnect to Redis within 5 s");
        await new Promise((r) => setTimeout(r, 50));
      }
      const upAt = Date.now();
      const reconnectMs = upAt - restartedAt;
      const deadline = upAt + (INTERVAL_S + 2) * 1000;
      while (!(await full())) {
        assert.ok(Date.now() < deadline, "swarms not refilled within one announce interval");
        await new Promise((r) => setTimeout(r, 200));
      }
      const refillMs = Date.now() - upAt;
      const health = (await (await fetch(`${t.url}/health`)).json()) as { status: string };
      assert.equal(health.status, "ok");
      const summary = Object.fromEntries(outcomes);
      // Figures for docs/BENCHMARKS.md when run by hand.
      if (process.env.DRILL_REPORT) console.log(JSON.stringify({ reconnectMs, refillMs, outcomes: summary }));
      assert.equal(outcomes.get("hung") ?? 0, 0, `hung announces: ${JSON.stringify(summary)}`);
      assert.equal(outcomes.get("error") ?? 0, 0, `broken replies: ${JSON.stringify(summary)}`);
      assert.equal(outcomes.get("other-failure") ?? 0, 0, `unexpected refusals: ${JSON.stringify(summary)}`);
    } finally {
      running = false;
      await Promise.all([...clients, ...load]);
    }
  });
});
