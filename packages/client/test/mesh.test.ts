import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SwitchboardClient } from "../src/index.js";
import { inbox, makeClient, roomCode, startServices, until, waitFor, type Services } from "./harness.js";

describe("Node peers through real signaling (node-datachannel)", { timeout: 120_000 }, () => {
  let svc: Services;
  const clients: SwitchboardClient[] = [];
  const client = (name: string, extra = {}) => {
    const c = makeClient(svc.ws, { name, ...extra });
    clients.push(c);
    return c;
  };
  before(async () => {
    svc = await startServices();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await svc.close();
  });

  it(
    "two peers in one meeting connect and exchange messages both ways; a third elsewhere sees neither",
    { timeout: 60_000 },
    async () => {
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
    },
  );
});
