/**
 * Peers that announce without `key` are known by peer id and address: a request from another address that
 * knows the id (compact=0 replies hand ids out) can neither move nor remove them. Memory (TypeScript and C) and Redis alike.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { createLogger, ManualClock } from "@switchboard/runtime";
import { sharedRedis, type SharedRedis } from "@switchboard/test-support";
import { MEMORY_STORES } from "./memory-stores.js";
import { RedisSwarmStore } from "../src/state/redis-swarm-store.js";
import { addressToBytes } from "../src/state/peer-address.js";
import type { PeerUpdate, SwarmStore } from "../src/state/swarm-store.js";

const ip = (a: string): Uint8Array => addressToBytes(a) ?? new Uint8Array(16);
const all = { numwant: 50, family: "both", withIds: false } as const;

/** The compact IPv4 entries (address:port) another peer is handed. */
async function listed(store: SwarmStore, infoHash: Uint8Array): Promise<string[]> {
  const out = await store.announce(
    {
      infoHash,
      peerId: randomBytes(20),
      ip: ip("10.1.1.1"),
      port: 1,
      seeder: true,
      key: undefined,
      kind: "ip",
      remove: false,
      completed: false,
    },
    all,
  );
  assert.ok(out.ok);
  const c = Buffer.from(out.peers.compact4);
  const entries: string[] = [];
  for (let i = 0; i + 6 <= c.length; i += 6)
    if (c.readUInt16BE(i + 4) !== 1)
      entries.push(`${[...c.subarray(i, i + 4)].join(".")}:${c.readUInt16BE(i + 4)}`);
  return entries.sort();
}

function scenario(make: () => SwarmStore): void {
  it("another address cannot move or remove a keyless peer", async () => {
    const store = make();
    const infoHash = randomBytes(20);
    const peerId = randomBytes(20);
    const base: PeerUpdate = {
      infoHash,
      peerId,
      ip: ip("10.0.0.1"),
      port: 6001,
      seeder: false,
      key: undefined,
      kind: "ip",
      remove: false,
      completed: false,
    };
    assert.ok((await store.announce(base, all)).ok);
    // Same id from elsewhere: a peer of its own, the original stays where it is.
    assert.ok((await store.announce({ ...base, ip: ip("10.0.0.66"), port: 7000 }, all)).ok);
    assert.deepEqual(await listed(store, infoHash), ["10.0.0.1:6001", "10.0.0.66:7000"]);
    // `stopped` from elsewhere removes only what that address announced.
    assert.ok((await store.announce({ ...base, ip: ip("10.0.0.66"), port: 7000, remove: true }, all)).ok);
    assert.ok((await store.announce({ ...base, ip: ip("10.0.0.77"), port: 7000, remove: true }, all)).ok);
    assert.deepEqual(await listed(store, infoHash), ["10.0.0.1:6001"]);
    // The owner's own `stopped` still works.
    assert.ok((await store.announce({ ...base, remove: true }, all)).ok);
    assert.deepEqual(await listed(store, infoHash), []);
  });

  it("a keyed peer still moves with its key and keeps its slot against others", async () => {
    const store = make();
    const infoHash = randomBytes(20);
    const base: PeerUpdate = {
      infoHash,
      peerId: randomBytes(20),
      ip: ip("10.0.0.1"),
      port: 6001,
      seeder: false,
      key: 42,
      kind: "ip",
      remove: false,
      completed: false,
    };
    assert.ok((await store.announce(base, all)).ok);
    assert.deepEqual(await store.announce({ ...base, ip: ip("10.0.0.66"), key: undefined }, all), {
      ok: false,
      failure: "KEY_MISMATCH",
    });
    assert.deepEqual(await store.announce({ ...base, ip: ip("10.0.0.66"), key: 7, remove: true }, all), {
      ok: false,
      failure: "KEY_MISMATCH",
    });
    assert.ok((await store.announce({ ...base, ip: ip("10.0.0.2"), port: 6002 }, all)).ok);
    assert.deepEqual(await listed(store, infoHash), ["10.0.0.2:6002"]);
    const counts = await store.scrape([infoHash]);
    assert.deepEqual(counts[0], { complete: 1, incomplete: 1, downloaded: 0 });
  });
}

describe.each(MEMORY_STORES)("keyless peers: $name", ({ make }) => {
  scenario(() => make({ clock: new ManualClock(), peerTtlSeconds: 60 }));
});

describe("keyless peers: Redis store", () => {
  let redis: SharedRedis;
  const prefix = `tracker-keyless-${randomBytes(4).toString("hex")}:`;
  const stores: RedisSwarmStore[] = [];
  beforeAll(async () => {
    redis = await sharedRedis();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    const r = new Redis(redis.url);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length > 0) await r.del(...keys);
    await r.quit();
    await redis?.dispose();
  });
  scenario(() => {
    const s = new RedisSwarmStore({
      url: redis.url,
      prefix,
      peerTtlSeconds: 60,
      clock: new ManualClock(),
      logger: createLogger({ name: "tracker-test", level: "silent" }),
    });
    stores.push(s);
    return s;
  });
});
