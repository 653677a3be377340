import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { SwitchboardClient } from "../src/index.js";
import { inbox, makeClient, roomCode, startServices, until, waitFor, type Services } from "./harness.js";

describe("Node peers through real signaling (node-datachannel)", () => {
  let svc: Services;
  const clients: SwitchboardClient[] = [];
  const client = (name: string, extra = {}) => {
    const c = makeClient(svc.ws, { name, ...extra });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    svc = await startServices();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await svc.close();
  }, 120_000);

  it("two peers in one meeting connect and exchange messages both ways; a third elsewhere sees neither", async () => {
    const room = roomCode("pair");
    const a = client("a", { meetingCode: room });
    const b = client("b", { meetingCode: room });
    const c = client("c", { meetingCode: roomCode("other") });
    const boxA = inbox(a);
    const boxB = inbox(b);
    const seenByC: string[] = [];
    c.on("peerDiscovered", (p) => seenByC.push(p.peerId));
    await Promise.all([a.initializeNode(), b.initializeNode(), c.initializeNode()]);
    assert.deepEqual(await a.discoverPeers(), []);
    await c.discoverPeers();
    const aEstablished = waitFor(a, "connectionEstablished");
    const bEstablished = waitFor(b, "connectionEstablished");
    const peersOfB = await b.discoverPeers();
    assert.deepEqual(
      peersOfB.map((p) => p.name),
      ["a"],
    );
    const infoA = await aEstablished;
    assert.equal(infoA.peerId, b.peerId);
    assert.equal(infoA.method, "host");
    assert.ok(infoA.setupMs > 0 && infoA.setupMs < 30_000);
    const infoB = await bEstablished;
    assert.equal(infoB.peerId, a.peerId);
    await b.send(a.peerId ?? "", "hello from b");
    await a.send(b.peerId ?? "", new Uint8Array([1, 2, 3]));
    await until(
      () => (boxA.get(b.peerId ?? "")?.length ?? 0) > 0 && (boxB.get(a.peerId ?? "")?.length ?? 0) > 0,
      20_000,
      "messages",
    );
    assert.equal(boxA.get(b.peerId ?? "")?.[0], "hello from b");
    assert.deepEqual(boxB.get(a.peerId ?? "")?.[0], new Uint8Array([1, 2, 3]));
    const stats = await a.getStats();
    assert.equal(stats.length, 1);
    assert.equal(stats[0]?.method, "host");
    assert.ok((stats[0]?.bytesSent ?? 0) > 0);
    const health = await a.healthCheck();
    assert.equal(health.signaling, "open");
    assert.equal(health.connections.length, 1);
    assert.deepEqual(seenByC, []);
    assert.equal((await c.getStats()).length, 0);
  }, 60_000);

  it("three peers form a full mesh", async () => {
    const room = roomCode("mesh");
    const peers = ["m1", "m2", "m3"].map((n) => client(n, { meetingCode: room }));
    await Promise.all(peers.map((p) => p.initializeNode()));
    for (const p of peers) await p.discoverPeers();
    await until(
      async () =>
        (await Promise.all(peers.map(async (p) => (await p.getStats()).length))).every((n) => n === 2),
      40_000,
      "a full mesh",
    );
    const boxes = peers.map(inbox);
    await peers[0]?.broadcast("to all");
    await until(() => boxes[1]?.size === 1 && boxes[2]?.size === 1, 20_000, "broadcast");
    for (const p of peers) {
      const ids = (await p.getStats()).map((s) => s.peerId).sort();
      const others = peers
        .filter((o) => o !== p)
        .map((o) => o.peerId)
        .sort();
      assert.deepEqual(ids, others);
    }
  }, 60_000);

  it("glare: both call connectToPeer at the same moment and one connection results", async () => {
    const room = roomCode("glare");
    const a = client("ga", { meetingCode: room, autoConnect: false });
    const b = client("gb", { meetingCode: room, autoConnect: false });
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    await a.discoverPeers();
    const seen = waitFor(a, "peerDiscovered");
    await b.discoverPeers();
    await seen;
    const [ia, ib] = await Promise.all([a.connectToPeer(b.peerId ?? ""), b.connectToPeer(a.peerId ?? "")]);
    assert.equal(ia.peerId, b.peerId);
    assert.equal(ib.peerId, a.peerId);
    const boxB = inbox(b);
    await a.send(b.peerId ?? "", "after glare");
    await until(() => boxB.get(a.peerId ?? "")?.[0] === "after glare", 20_000, "message after glare");
    assert.equal((await a.getStats()).length, 1);
    assert.equal((await b.getStats()).length, 1);
  }, 60_000);
});
