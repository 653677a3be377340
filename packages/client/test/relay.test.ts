import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { SwitchboardClient } from "../src/index.js";
import { inbox, makeClient, roomCode, startServices, until, waitFor, type Services } from "./harness.js";

/** Both (initialized) clients join their meeting; resolves with each side's established connection. */
async function discoverBoth(a: SwitchboardClient, b: SwitchboardClient) {
  const ea = waitFor(a, "connectionEstablished", () => true, 50_000);
  const eb = waitFor(b, "connectionEstablished", () => true, 50_000);
  await a.discoverPeers();
  await b.discoverPeers();
  return Promise.all([ea, eb]);
}

describe("relay-only through our TURN server (credentials from welcome)", () => {
  let svc: Services;
  const clients: SwitchboardClient[] = [];
  beforeAll(async () => {
    svc = await startServices({ turn: true });
  }, 90_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await svc.close();
  }, 90_000);

  it("connects with method relay on both ends and moves data", async () => {
    const room = roomCode("relay");
    const a = makeClient(svc.ws, { name: "ra", meetingCode: room, iceTransportPolicy: "relay" });
    const b = makeClient(svc.ws, { name: "rb", meetingCode: room, iceTransportPolicy: "relay" });
    clients.push(a, b);
    const welcome = await a.initializeNode();
    assert.ok(
      welcome.iceServers.some((s) => s.urls.some((u) => u.startsWith("turn:")) && s.username && s.credential),
    );
    await b.initializeNode();
    const [ia, ib] = await discoverBoth(a, b);
    assert.equal(ia.method, "relay");
    assert.equal(ib.method, "relay");
    for (const c of [a, b]) {
      const [s] = await c.getStats();
      assert.equal(s?.method, "relay");
      assert.deepEqual(s?.gatheredCandidateTypes, ["relay"]);
    }
    const box = inbox(b);
    const chunk = new Uint8Array(60_000).fill(7);
    for (let i = 0; i < 20; i++) await a.send(b.peerId ?? "", chunk);
    await until(() => (box.get(a.peerId ?? "")?.length ?? 0) === 20, 30_000, "20 relayed chunks");
    assert.ok(svc.turn && svc.turn.allocations.size >= 2, "TURN holds the allocations");
  }, 60_000);

  it("with TURN offered and direct first (the default), a pair that reaches each other connects directly", async () => {
    const room = roomCode("direct");
    const a = makeClient(svc.ws, { name: "da", meetingCode: room });
    const b = makeClient(svc.ws, { name: "db", meetingCode: room });
    clients.push(a, b);
    await a.initializeNode();
    await b.initializeNode();
    const [ia, ib] = await discoverBoth(a, b);
    assert.notEqual(ia.method, "relay");
    assert.notEqual(ib.method, "relay");
  }, 60_000);

  it("refuses a relay candidate delay that is not 0–10000 ms, at construction", () => {
    for (const directFirstMs of [-1, 10_001, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => makeClient(svc.ws, { directFirstMs }), { code: "invalid_argument" });
    assert.doesNotThrow(() => makeClient(svc.ws, { directFirstMs: 0 }));
  });
});
