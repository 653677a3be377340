/**
 * The C announce path (native/udp-fast.c) against a real tracker on loopback: what it answers matches what the
 * JavaScript path answers for the same swarm (one store behind both), what it must not decide — bad connection
 * ids, port 0, a key mismatch — still gets the core's error replies, it spends the per-address limiter's buckets
 * with the core (one set, in C), and it stands aside while access rules are in force.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { skipTest } from "@switchboard/test-support/jest";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { UdpTrackerClient } from "./clients.js";

const hash = (n: number): Buffer => Buffer.alloc(20, n);
const peer = (n: number): Buffer => Buffer.alloc(20, 0x40 + n);

/** The error text of an error reply (action 3); fails on anything else. */
function errorOf(reply: Buffer): string {
  assert.equal(reply.readUInt32BE(0), 3, "an error reply");
  return reply.subarray(8).toString("utf8");
}

/** The announce reply's fields (action 1); fails on anything else. */
function parse(reply: Buffer): { interval: number; leechers: number; seeders: number; peers: string[] } {
  assert.equal(reply.readUInt32BE(0), 1, `an announce reply, not ${reply.subarray(8).toString("latin1")}`);
  const peers: string[] = [];
  for (let at = 20; at + 6 <= reply.length; at += 6)
    peers.push(`${reply.subarray(at, at + 4).join(".")}:${reply.readUInt16BE(at + 4)}`);
  return {
    interval: reply.readUInt32BE(8),
    leechers: reply.readUInt32BE(12),
    seeders: reply.readUInt32BE(16),
    peers: peers.sort(),
  };
}

describe("UDP announces answered in C", () => {
  let t: StartedTracker | undefined;
  const clients: UdpTrackerClient[] = [];
  const client = (localAddress = "127.0.0.1"): UdpTrackerClient => {
    const c = new UdpTrackerClient("127.0.0.1", t?.udpPort ?? 0, localAddress);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTracker({ interval: 1234 });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  const fast = (): { active: boolean; answered: number } | undefined => {
    const udp = t?.server.udp;
    return udp?.fastPath === undefined
      ? undefined
      : { active: udp.fastPathActive, answered: udp.fastPath.answered };
  };

  it("answers with the core's figures, sharing the swarm with the JavaScript path", async () => {
    const state = fast();
    if (t === undefined || state === undefined || !state.active)
      return skipTest("the tracker addon is not built here (no native store, no C path)");
    const udp = t.server.udp!;
    const c = client();
    const a = await c.announce({ infoHash: hash(1), peerId: peer(1), port: 7001, left: 0 });
    assert.deepEqual(parse(a), { interval: 1234, leechers: 0, seeders: 1, peers: [] });
    assert.equal(fast()?.answered, state.answered + 1);

    // The same swarm through JavaScript: it sees the peer the C path stored, and the other way round.
    udp.fastPath!.enable(false);
    const b = await c.announce({ infoHash: hash(1), peerId: peer(2), port: 7002, left: 5 });
    assert.deepEqual(parse(b), { interval: 1234, leechers: 1, seeders: 1, peers: ["127.0.0.1:7001"] });
    assert.equal(fast()?.answered, state.answered + 1);
    udp.refreshFastPath();
    assert.equal(udp.fastPathActive, true);
    const d = await c.announce({ infoHash: hash(1), peerId: peer(3), port: 7003, left: 5, numwant: 10 });
    assert.deepEqual(parse(d), {
      interval: 1234,
      leechers: 2,
      seeders: 1,
      peers: ["127.0.0.1:7001", "127.0.0.1:7002"],
    });
    // numwant 1 of two others; stopped leaves; completed counts a download.
    const one = parse(
      await c.announce({ infoHash: hash(1), peerId: peer(3), port: 7003, left: 5, numwant: 1 }),
    );
    assert.equal(one.peers.length, 1);
    await c.announce({ infoHash: hash(1), peerId: peer(2), port: 7002, event: "stopped" });
    await c.announce({ infoHash: hash(1), peerId: peer(3), port: 7003, left: 0, event: "completed" });
    const scraped = await c.scrape([hash(1)]);
    assert.deepEqual(
      [scraped.readUInt32BE(8), scraped.readUInt32BE(12), scraped.readUInt32BE(16)],
      [2, 1, 0],
    );
    assert.equal(fast()?.answered, state.answered + 5);
  });

  it("passes to JavaScript what it must not decide: bad connection ids, port 0, a key mismatch", async () => {
    const state = fast();
    if (t === undefined || state === undefined || !state.active)
      return skipTest("the tracker addon is not built here (no native store, no C path)");
    const c = client();
    const forged = UdpTrackerClient.announcePacket(Buffer.alloc(8, 7), {
      infoHash: hash(2),
      peerId: peer(1),
      port: 7001,
    });
    assert.match(errorOf(await c.request(forged)), /connection id/);
    const cid = await c.connect();
    const port0 = UdpTrackerClient.announcePacket(cid, { infoHash: hash(2), peerId: peer(1), port: 0 });
    errorOf(await c.request(port0));
    const keyed = (key32: number, id: Buffer): Buffer =>
      UdpTrackerClient.announcePacket(id, { infoHash: hash(2), peerId: peer(9), port: 7009, key32 });
    parse(await c.request(keyed(11, cid)));
    const elsewhere = client("127.0.0.2");
    const otherCid = await elsewhere.connect();
    assert.match(errorOf(await elsewhere.request(keyed(12, otherCid))), /key/i);
    // Only the one good announce was answered in C.
    assert.equal(fast()?.answered, state.answered + 1);
  });
});

describe("the C path under the per-address rate limit", () => {
  it("answers the burst in C, then the core refuses from the same buckets; stops are still answered", async () => {
    const t = await startTracker({ rateLimit: 5, rateBurst: 10 });
    const c = new UdpTrackerClient("127.0.0.1", t.udpPort);
    try {
      const udp = t.server.udp;
      if (udp?.fastPath === undefined) return skipTest("the tracker addon is not built here");
      assert.equal(udp.fastPathActive, true);
      const cid = await c.connect();
      const started = performance.now();
      const replies: Buffer[] = [];
      for (let i = 0; i < 30; i++)
        replies.push(
          await c.request(
            UdpTrackerClient.announcePacket(cid, { infoHash: hash(4), peerId: peer(i % 20), port: 7000 + i }),
          ),
        );
      const seconds = (performance.now() - started) / 1000;
      const good = replies.filter((r) => r.readUInt32BE(0) === 1).length;
      // The burst of 10, plus what 5/s refilled while the 30 went out (none on a quick machine).
      assert.deepEqual(
        replies.slice(0, 10).map((r) => r.readUInt32BE(0)),
        new Array<number>(10).fill(1),
      );
      assert.ok(good >= 10 && good <= 10 + Math.ceil(seconds * 5), `${good} good in ${seconds} s`);
      for (const r of replies.filter((x) => x.readUInt32BE(0) !== 1)) assert.match(errorOf(r), /slow down/);
      assert.equal(udp.fastPath.answered, good, "every good reply came from C");
      // The core counted each refusal once.
      const metrics = await t.server.registry.getSingleMetricAsString("tracker_refusals_total");
      const line = metrics
        .split("\n")
        .find((l) => l.includes('code="RATE_LIMITED"') && l.includes('transport="udp"'));
      assert.equal(Number(line?.split(" ").pop()), 30 - good, metrics);

      // Out of tokens (spend what refilled meanwhile): a stop still leaves the swarm, answered in C.
      let limited = false;
      for (let i = 0; i < 20 && !limited; i++) {
        const r = await c.request(
          UdpTrackerClient.announcePacket(cid, { infoHash: hash(4), peerId: peer(30 + i), port: 8000 }),
        );
        limited = r.readUInt32BE(0) === 3;
      }
      assert.ok(limited, "the address is limited again");
      const before = udp.fastPath.answered;
      const stopped = parse(
        await c.request(
          UdpTrackerClient.announcePacket(cid, {
            infoHash: hash(4),
            peerId: peer(0),
            port: 7000,
            event: "stopped",
          }),
        ),
      );
      assert.equal(udp.fastPath.answered, before + 1);
      // Another address has its own bucket.
      const other = new UdpTrackerClient("127.0.0.1", t.udpPort, "127.0.0.3");
      try {
        const fresh = parse(await other.announce({ infoHash: hash(4), peerId: peer(60), port: 9000 }));
        assert.equal(fresh.leechers, stopped.leechers + 1);
      } finally {
        other.close();
      }
    } finally {
      c.close();
      await t.close();
    }
  }, 30_000);
});

describe("the C path stands aside", () => {
  it("while passkeys are in force", async () => {
    const t = await startTracker({ passkeys: ["fastpathpass1"] });
    try {
      const udp = t.server.udp;
      if (udp?.fastPath === undefined) return skipTest("the tracker addon is not built here");
      assert.equal(udp.fastPathActive, false);
      const c = new UdpTrackerClient("127.0.0.1", t.udpPort);
      try {
        const reply = await c.announce({ infoHash: hash(3), peerId: peer(1), port: 7001 });
        assert.match(errorOf(reply), /passkey/i);
      } finally {
        c.close();
      }
      assert.equal(udp.fastPath.answered, 0);
    } finally {
      await t.close();
    }
  });
});
