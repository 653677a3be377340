import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Value } from "@sinclair/typebox/value";
import {
  FEATURE_PEER_JOINED_OFFER,
  ServerMessage,
  withFeatures,
  type OfferData,
} from "@switchboard/protocol";
import type { Static } from "@sinclair/typebox";
import { RedisProcess } from "@switchboard/test-support";
import {
  TestClient,
  closeAll,
  createMeeting,
  sessionOpener,
  startServer,
  type TestServer,
} from "./helpers.js";

const OFFER: Static<typeof OfferData> = {
  kind: "offer",
  sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n",
  signature: { alg: "ES256", publicKey: "k", signature: "s", nonce: "n0nce-0123456789ab" },
};

/** A ping's reply: everything the server wrote to this client before it has arrived. */
async function settled(c: TestClient): Promise<void> {
  await c.request({ v: 1, type: "ping" });
}

function signalsFrom(c: TestClient, from: string) {
  return c.all("signal").filter((m) => m.from === from);
}

describe("join-carried offer", () => {
  let srv: TestServer;
  const clients: TestClient[] = [];
  const on = sessionOpener(clients);
  const open = () => on(srv);
  /** A client that asked for `peer.joined` to carry the offer (a feature on the WebSocket URL). */
  const openNew = async (hello = {}, features = [FEATURE_PEER_JOINED_OFFER]) => {
    const c = await TestClient.session(withFeatures(srv.ws, features), hello);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    srv = await startServer({ MAX_PARTICIPANTS: "50" });
  });
  afterAll(() => closeAll(clients, srv));

  it("relays it to the earliest peer right after that peer's peer.joined and names it in joined", async () => {
    const { roomId } = await createMeeting(srv.http);
    const first = await open();
    await first.request({ v: 1, type: "join", roomId });
    const second = await open();
    await second.request({ v: 1, type: "join", roomId });
    await first.nextOf("peer.joined", (m) => m.peer.peerId === second.sessionId);
    const newcomer = await open();
    const joined = await newcomer.request<"joined">({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(joined.offeredTo, first.sessionId);
    assert.deepEqual(joined.peers.map((p) => p.peerId).sort(), [first.sessionId, second.sessionId].sort());

    const signal = await first.nextOf("signal", (m) => m.from === newcomer.sessionId);
    assert.equal(signal.roomId, roomId);
    assert.deepEqual(signal.data, OFFER);
    const at = first.received.indexOf(signal);
    const before = first.received[at - 1];
    assert.equal(before?.type, "peer.joined");
    assert.equal(before.type === "peer.joined" && before.peer.peerId, newcomer.sessionId);

    await second.nextOf("peer.joined", (m) => m.peer.peerId === newcomer.sessionId);
    await settled(second);
    assert.equal(signalsFrom(second, newcomer.sessionId).length, 0);
    await settled(first);
    assert.equal(signalsFrom(first, newcomer.sessionId).length, 1);
  });

  it("has nobody to give it to in an empty room, and an old client's join is as before", async () => {
    const { roomId } = await createMeeting(srv.http);
    const alone = await open();
    const joined = await alone.request<"joined">({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(joined.offeredTo, undefined);
    const old = await open();
    const j2 = await old.request<"joined">({ v: 1, type: "join", roomId });
    assert.equal(j2.offeredTo, undefined);
    await settled(alone);
    assert.equal(alone.all("signal").length, 0);
  });

  it("never delivers a lobby waiter's offer, before or after admission", async () => {
    const { roomId, hostKey } = await createMeeting(srv.http, { settings: { requireApproval: true } });
    const host = await open();
    await host.request({ v: 1, type: "join", roomId, hostKey });
    const guest = await open();
    const waiting = await guest.request({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(waiting.type, "lobby.waiting");
    await host.nextOf("lobby.request", (m) => m.peer.peerId === guest.sessionId);
    await settled(host);
    assert.equal(signalsFrom(host, guest.sessionId).length, 0);

    await host.request({ v: 1, type: "lobby.admit", roomId, peerId: guest.sessionId });
    const joined = await guest.nextOf("joined");
    assert.equal(joined.offeredTo, undefined);
    await host.nextOf("peer.joined", (m) => m.peer.peerId === guest.sessionId);
    await settled(host);
    assert.equal(signalsFrom(host, guest.sessionId).length, 0);
  });

  it("delivers nothing when the join is refused (locked room)", async () => {
    const { roomId, hostKey } = await createMeeting(srv.http);
    const host = await open();
    await host.request({ v: 1, type: "join", roomId, hostKey });
    await host.request({ v: 1, type: "room.lock", roomId, locked: true });
    const late = await open();
    assert.equal((await late.expectError({ v: 1, type: "join", roomId, offer: OFFER })).code, "room_locked");
    await settled(host);
    assert.equal(signalsFrom(host, late.sessionId).length, 0);
  });

  it("refuses a join whose offer is not an offer", async () => {
    const { roomId } = await createMeeting(srv.http);
    const c = await open();
    const bad = { v: 1, type: "join", roomId, offer: { kind: "answer", sdp: "v=0" } };
    assert.equal((await c.expectError(bad as never)).code, "invalid_message");
  });

  it("puts it inside peer.joined for a client that asked, and only for the peer it goes to", async () => {
    const { roomId } = await createMeeting(srv.http);
    const first = await openNew();
    await first.request({ v: 1, type: "join", roomId });
    const second = await openNew();
    await second.request({ v: 1, type: "join", roomId });
    await first.nextOf("peer.joined", (m) => m.peer.peerId === second.sessionId);
    const newcomer = await openNew();
    const joined = await newcomer.request<"joined">({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(joined.offeredTo, first.sessionId);

    const merged = await first.nextOf("peer.joined", (m) => m.peer.peerId === newcomer.sessionId);
    assert.deepEqual(merged.offer, OFFER);
    assert.ok(Value.Check(ServerMessage, merged), "the merged frame is a protocol peer.joined");
    const plain = await second.nextOf("peer.joined", (m) => m.peer.peerId === newcomer.sessionId);
    assert.equal(plain.offer, undefined, "the other peer gets no offer");
    await settled(first);
    await settled(second);
    assert.equal(signalsFrom(first, newcomer.sessionId).length, 0, "one frame: no signal besides");
    assert.equal(signalsFrom(second, newcomer.sessionId).length, 0);
  });

  it("sends the two frames to a client that did not ask, whatever the newcomer is", async () => {
    const { roomId } = await createMeeting(srv.http);
    const old = await open();
    await old.request({ v: 1, type: "join", roomId });
    // an unknown feature name is ignored, as a server that knows none ignores the parameter
    const other = await openNew({}, ["no-such-feature"]);
    await other.request({ v: 1, type: "join", roomId });
    await old.nextOf("peer.joined", (m) => m.peer.peerId === other.sessionId);
    const newcomer = await openNew();
    const joined = await newcomer.request<"joined">({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(joined.offeredTo, old.sessionId);
    const signal = await old.nextOf("signal", (m) => m.from === newcomer.sessionId);
    assert.deepEqual(signal.data, OFFER);
    const before = old.received[old.received.indexOf(signal) - 1];
    assert.equal(before?.type === "peer.joined" && before.peer.peerId, newcomer.sessionId);
    assert.equal(before.type === "peer.joined" && before.offer, undefined);
    const plain = await other.nextOf("peer.joined", (m) => m.peer.peerId === newcomer.sessionId);
    assert.equal(plain.offer, undefined);
  });

  it("gives a new client's lobby waiter's offer to nobody, before or after admission", async () => {
    const { roomId, hostKey } = await createMeeting(srv.http, { settings: { requireApproval: true } });
    const host = await openNew();
    await host.request({ v: 1, type: "join", roomId, hostKey });
    const guest = await openNew();
    const waiting = await guest.request({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(waiting.type, "lobby.waiting");
    await host.nextOf("lobby.request", (m) => m.peer.peerId === guest.sessionId);
    await host.request({ v: 1, type: "lobby.admit", roomId, peerId: guest.sessionId });
    assert.equal((await guest.nextOf("joined")).offeredTo, undefined);
    const joinedMsg = await host.nextOf("peer.joined", (m) => m.peer.peerId === guest.sessionId);
    assert.equal(joinedMsg.offer, undefined);
    await settled(host);
    assert.equal(signalsFrom(host, guest.sessionId).length, 0);
  });

  it("takes the features of the connection a session resumes on", async () => {
    const { roomId } = await createMeeting(srv.http);
    const first = await openNew();
    await first.request({ v: 1, type: "join", roomId });
    const { sessionId, resumeToken } = first;
    await first.drop();
    // back on a connection that did not ask: the two frames again
    const back = await on(srv, { resume: { sessionId, resumeToken } });
    assert.equal(back.sessionId, sessionId);
    const newcomer = await openNew();
    const joined = await newcomer.request<"joined">({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(joined.offeredTo, sessionId);
    const signal = await back.nextOf("signal", (m) => m.from === newcomer.sessionId);
    assert.deepEqual(signal.data, OFFER);
  });
});

describe("offer inside peer.joined across instances (Redis)", () => {
  let redis: RedisProcess;
  let one: TestServer;
  let two: TestServer;
  const clients: TestClient[] = [];
  const openNew = async (srv: TestServer) => {
    const c = await TestClient.session(withFeatures(srv.ws, [FEATURE_PEER_JOINED_OFFER]));
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    redis = await RedisProcess.start();
    const env = { REDIS_URL: redis.url, SIGNALING_RATE_LIMIT: "100000", SIGNALING_RATE_BURST: "100000" };
    one = await startServer(env);
    two = await startServer(env);
  }, 30_000);
  afterAll(async () => {
    await closeAll(clients, one, two);
    await redis.dispose();
  }, 30_000);

  it("goes only to a peer on the newcomer's instance; a peer elsewhere gets a plain peer.joined", async () => {
    const { roomId } = await createMeeting(one.http);
    const a = await openNew(one);
    await a.request({ v: 1, type: "join", roomId });
    const b = await openNew(two);
    const jb = await b.request<"joined">({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(jb.offeredTo, undefined, "nobody on b's instance: b offers by signal");
    const seenB = await a.nextOf("peer.joined", (m) => m.peer.peerId === b.sessionId);
    assert.equal(seenB.offer, undefined);

    const c = await openNew(one);
    const jc = await c.request<"joined">({ v: 1, type: "join", roomId, offer: OFFER });
    assert.equal(jc.offeredTo, a.sessionId);
    const merged = await a.nextOf("peer.joined", (m) => m.peer.peerId === c.sessionId);
    assert.deepEqual(merged.offer, OFFER);
    const plain = await b.nextOf("peer.joined", (m) => m.peer.peerId === c.sessionId);
    assert.equal(plain.offer, undefined, "b, on the other instance, gets no offer");
    await settled(a);
    await settled(b);
    assert.equal(signalsFrom(a, b.sessionId).length + signalsFrom(a, c.sessionId).length, 0);
    assert.equal(signalsFrom(b, c.sessionId).length, 0);
  }, 30_000);
});
