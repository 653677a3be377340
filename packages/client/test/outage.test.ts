import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { exponentialBackoff, type SignalingState, type SwitchboardClient } from "../src/index.js";
import { inbox, makeClient, roomCode, startServices, until, waitFor, type Services } from "./harness.js";
import { startWsRelay, type WsRelay } from "./ws-relay.js";

const fastBackoff = () => exponentialBackoff({ initialMs: 100, maxMs: 500, giveUpAfterMs: 60_000 });

describe("signaling outages", () => {
  let svc: Services;
  let relay: WsRelay;
  const clients: SwitchboardClient[] = [];
  const client = (url: string, name: string, room: string) => {
    const c = makeClient(url, { name, meetingCode: room, backoff: fastBackoff() });
    clients.push(c);
    return c;
  };
  const states = (c: SwitchboardClient) => {
    const seen: SignalingState[] = [];
    c.on("signalingState", ({ state }) => seen.push(state));
    return seen;
  };
  const pair = async (url: string, room: string) => {
    const a = client(url, "a", room);
    const b = client(url, "b", room);
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    const ea = waitFor(a, "connectionEstablished");
    await a.discoverPeers();
    await b.discoverPeers();
    await ea;
    await until(async () => (await b.getStats()).length === 1, 20_000, "b connected");
    return [a, b] as const;
  };
  beforeAll(async () => {
    svc = await startServices();
    relay = await startWsRelay(svc.ws);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await relay.close();
    await svc.close();
  }, 120_000);

  it("a cut signaling connection: data keeps flowing, the session resumes, chat is acked", async () => {
    const [a, b] = await pair(relay.url, roomCode("cut"));
    const seen = states(a);
    const idA = a.peerId;
    const box = inbox(b);
    relay.cutAll();
    await until(() => seen.includes("resuming"), 10_000, "a notices the cut");
    await a.send(b.peerId ?? "", "while signaling is away");
    await until(
      () => box.get(a.peerId ?? "")?.[0] === "while signaling is away",
      10_000,
      "p2p data during the cut",
    );
    await until(() => a.signalingState === "open" && b.signalingState === "open", 30_000, "resumed");
    assert.equal(a.peerId, idA, "same session (resumed, not rejoined)");
    assert.ok(seen.includes("resuming"));
    assert.ok(!seen.includes("rejoining"));
    // Both connected through channels: chat goes peer to peer; to the server when a peer is not connected.
    const got = waitFor(b, "chat");
    await a.sendChat("hi after the cut");
    assert.equal((await got).text, "hi after the cut");
  }, 60_000);

  it("signaling restarted: data keeps flowing, clients rejoin by themselves, a later peer is found", async () => {
    const room = roomCode("restart");
    const [a, b] = await pair(svc.ws, room);
    const seen = states(a);
    const oldA = a.peerId;
    const boxB = inbox(b);
    await svc.restartSignaling();
    await relay.close();
    relay = await startWsRelay(svc.ws);
    await a.send(b.peerId ?? "", "during restart");
    const all = (box: Map<string, (string | Uint8Array)[]>) => [...box.values()].flat();
    await until(() => all(boxB).includes("during restart"), 10_000, "p2p data during restart");
    await until(
      () => a.signalingState === "open" && b.signalingState === "open" && a.peerId !== oldA,
      30_000,
      "rejoined",
    );
    assert.ok(seen.includes("rejoining"));
    // The connection survived under the peers' new ids.
    await until(async () => (await a.getStats())[0]?.peerId === b.peerId, 10_000, "a knows b's new id");
    const boxA = inbox(a);
    await b.send(a.peerId ?? "", "after rejoin");
    await until(
      () => boxA.get(b.peerId ?? "")?.includes("after rejoin") ?? false,
      10_000,
      "data under new ids",
    );
    const c = client(svc.ws, "c", room);
    const found = waitFor(a, "peerDiscovered", (p) => p.name === "c");
    await c.initializeNode();
    const peers = await c.discoverPeers();
    assert.deepEqual(peers.map((p) => p.name).sort(), ["a", "b"]);
    await found;
    await until(async () => (await c.getStats()).length === 2, 30_000, "c connects to both");
    assert.equal((await a.getStats()).length, 2, "a: b (kept) and c, no duplicate");
  }, 60_000);
});
