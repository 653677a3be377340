/** Two tracker instances sharing one real Redis return each other's peers and the same counts. */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { createLogger, ManualClock } from "@switchboard/runtime";
import { sharedRedis, type SharedRedis } from "@switchboard/test-support";
import { RedisSwarmStore } from "../src/state/redis-swarm-store.js";
import { addressToBytes } from "../src/state/peer-address.js";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { announceQuery, binary, failureOf, httpGet, UdpTrackerClient, WsTrackerClient } from "./clients.js";

describe("Redis swarms", () => {
  let redis: SharedRedis;
  let a: StartedTracker;
  let b: StartedTracker;
  const prefix = `tracker-test-${randomBytes(4).toString("hex")}:`;
  beforeAll(async () => {
    redis = await sharedRedis();
    a = await startTracker({ redisUrl: redis.url, redisPrefix: prefix });
    b = await startTracker({ redisUrl: redis.url, redisPrefix: prefix });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const r = new Redis(redis.url);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length > 0) await r.del(...keys);
    await r.quit();
    await redis?.dispose();
  });

  it("peers announced on one instance are returned by the other (HTTP and UDP)", async () => {
    const h = randomBytes(20);
    const first = await httpGet(
      `${a.url}/announce?${announceQuery({ infoHash: h, peerId: randomBytes(20), port: 1111 })}`,
    );
    assert.equal(failureOf(first), undefined);
    const health = (await (await fetch(`${a.url}/health`)).json()) as {
      status: string;
      parts: Record<string, unknown>;
    };
    assert.equal(health.status, "ok");
    assert.ok("redis" in health.parts);
    const second = await httpGet(
      `${b.url}/announce?${announceQuery({ infoHash: h, peerId: randomBytes(20), port: 2222, left: 0 })}`,
    );
    assert.deepEqual(Buffer.from(second.peers as Uint8Array), Buffer.from([127, 0, 0, 1, 0x04, 0x57]));
    assert.deepEqual([second.complete, second.incomplete], [1, 1]);
    const udp = new UdpTrackerClient("127.0.0.1", a.udpPort);
    try {
      const r = await udp.announce({ infoHash: h, peerId: randomBytes(20), port: 3333 });
      assert.equal(r.readUInt32BE(0), 1);
      const ports = [r.readUInt16BE(24), r.readUInt16BE(30)].sort();
      assert.deepEqual(ports, [1111, 2222]);
    } finally {
      udp.close();
    }
    const scrape = await httpGet(
      `${b.url}/scrape?info_hash=${Array.from(h, (x) => `%${x.toString(16).padStart(2, "0")}`).join("")}`,
    );
    assert.deepEqual(Object.values(scrape.files as object)[0], { complete: 1, incomplete: 2, downloaded: 0 });
  });

  it("stopped peers leave for both instances; counts stay exact", async () => {
    const h = randomBytes(20);
    const p1 = randomBytes(20);
    await httpGet(`${a.url}/announce?${announceQuery({ infoHash: h, peerId: p1, port: 1 })}`);
    await httpGet(
      `${b.url}/announce?${announceQuery({ infoHash: h, peerId: p1, port: 1, event: "completed", left: 0 })}`,
    );
    const gone = await httpGet(
      `${b.url}/announce?${announceQuery({ infoHash: h, peerId: p1, port: 1, event: "stopped" })}`,
    );
    assert.deepEqual([gone.complete, gone.incomplete], [0, 0]);
    const other = await httpGet(
      `${a.url}/announce?${announceQuery({ infoHash: h, peerId: randomBytes(20), port: 2 })}`,
    );
    assert.equal((other.peers as Uint8Array).length, 0);
  });

  it("WebSocket peers on one instance see the swarm counts of the other", async () => {
    const h = randomBytes(20);
    const c1 = await new WsTrackerClient(`ws://127.0.0.1:${a.httpPort}/`).open();
    const c2 = await new WsTrackerClient(`ws://127.0.0.1:${b.httpPort}/`).open();
    try {
      c1.send({
        action: "announce",
        info_hash: binary(h),
        peer_id: binary(randomBytes(20)),
        numwant: 0,
        left: 0,
      });
      await c1.next();
      c2.send({
        action: "announce",
        info_hash: binary(h),
        peer_id: binary(randomBytes(20)),
        numwant: 0,
        left: 5,
      });
      const r = await c2.next();
      assert.deepEqual([r.complete, r.incomplete], [1, 1]);
    } finally {
      c1.close();
      c2.close();
    }
  });

  it("expires silent peers and removes empty swarms (store level, fake clock)", async () => {
    const clock = new ManualClock(Date.now());
    const store = new RedisSwarmStore({
      url: redis.url,
      prefix: `${prefix}x:`,
      peerTtlSeconds: 60,
      clock,
      logger: createLogger({ name: "t", level: "silent" }),
    });
    try {
      const infoHash = randomBytes(20);
      const up = (n: number) => ({
        infoHash,
        peerId: Buffer.alloc(20, n),
        ip: addressToBytes("10.0.0.1") ?? new Uint8Array(16),
        port: n,
        seeder: n === 1,
        key: undefined,
        kind: "ip" as const,
        remove: false,
        completed: false,
      });
      await store.announce(up(1), { numwant: 5, family: "both", withIds: false });
      clock.advance(30_000);
      const r = await store.announce(up(2), { numwant: 5, family: "both", withIds: true });
      assert.ok(r.ok);
      assert.deepEqual(Buffer.from(r.peers.ids4 ?? []), Buffer.alloc(20, 1));
      clock.advance(40_000);
      const later = await store.announce(up(3), { numwant: 5, family: "both", withIds: false });
      assert.ok(later.ok);
      assert.deepEqual(later.counts, { complete: 0, incomplete: 2, downloaded: 0 });
      clock.advance(120_000);
      assert.equal(await store.sweep(), 2);
      assert.deepEqual(await store.scrape([infoHash]), [{ complete: 0, incomplete: 0, downloaded: 0 }]);
      assert.deepEqual(store.totals(), { torrents: 0, seeders: 0, leechers: 0 });
    } finally {
      await store.close();
    }
  });
});
