/**
 * Host controls driven from the SDK against the real signaling service: lobby admit and deny, kick, mute request,
 * lock and end — each as the host's method and the events the others see. Node peers on node-datachannel, so a
 * kick also closes the peer connection.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { SwitchboardError, type SwitchboardClient } from "../src/index.js";
import { makeClient, startServices, until, waitFor, type Services } from "./harness.js";

/** A meeting created over REST (the lobby on when `requireApproval`), as a host would. */
async function createMeeting(
  svc: Services,
  settings: Record<string, unknown>,
): Promise<{ roomId: string; hostKey: string }> {
  const res = await fetch(`http://127.0.0.1:${svc.port}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "host controls", settings }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const json = (await res.json()) as { meeting: { roomId: string }; hostKey: string };
  return { roomId: json.meeting.roomId, hostKey: json.hostKey };
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return "resolved";
  } catch (err) {
    assert.ok(err instanceof SwitchboardError, String(err));
    return err.code;
  }
};

describe("host controls from the SDK (real signaling)", () => {
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

  it("lobby: the host admits one guest and denies another", async () => {
    const { roomId, hostKey } = await createMeeting(svc, { requireApproval: true });
    const host = client("host", { meetingCode: roomId, hostKey, autoConnect: false });
    const guest = client("guest", { meetingCode: roomId, autoConnect: false });
    const intruder = client("intruder", { meetingCode: roomId, autoConnect: false });
    await Promise.all([host.initializeNode(), guest.initializeNode(), intruder.initializeNode()]);
    assert.deepEqual(await host.discoverPeers(), []);

    const waiting = waitFor(guest, "lobbyWaiting", (w) => w.roomId === roomId);
    const asked = waitFor(host, "lobbyRequest", (r) => r.peer.peerId === guest.peerId);
    const guestJoin = guest.discoverPeers();
    await waiting;
    const request = await asked;
    assert.equal(request.peer.name, "guest");
    await host.host.admit(roomId, request.peer.peerId);
    const peers = await guestJoin;
    assert.deepEqual(
      peers.map((p) => p.name),
      ["host"],
    );
    await until(() => peerNames(host).includes("guest"), 10_000, "guest listed");

    const askedAgain = waitFor(host, "lobbyRequest", (r) => r.peer.peerId === intruder.peerId);
    const denied = waitFor(intruder, "lobbyDenied", (d) => d.roomId === roomId);
    const intruderJoin = codeOf(intruder.discoverPeers());
    await host.host.deny(roomId, (await askedAgain).peer.peerId);
    await denied;
    assert.equal(await intruderJoin, "lobby_denied");
    assert.ok(!peerNames(host).includes("intruder"));

    // Only a host may admit: the guest's attempt is refused by the server.
    assert.equal(await codeOf(guest.host.admit(roomId, host.peerId ?? "")), "forbidden");
  }, 60_000);

  it("kick, mute request, lock and end reach the others as events", async () => {
    const { roomId, hostKey } = await createMeeting(svc, {});
    const host = client("host", { meetingCode: roomId, hostKey });
    const alice = client("alice", { meetingCode: roomId });
    const bob = client("bob", { meetingCode: roomId });
    await Promise.all([host.initializeNode(), alice.initializeNode(), bob.initializeNode()]);
    await host.discoverPeers();
    const hostSeesAlice = waitFor(host, "connectionEstablished", (c) => c.peerId === alice.peerId, 45_000);
    await alice.discoverPeers();
    await hostSeesAlice;
    const bobConnected = waitFor(bob, "connectionEstablished", (c) => c.peerId === host.peerId, 45_000);
    await bob.discoverPeers();
    await bobConnected;

    // Mute request: only the target hears it, with the kind.
    const muted = waitFor(alice, "muteRequested", (m) => m.roomId === roomId);
    await host.host.requestMute(roomId, alice.peerId ?? "", "audio");
    assert.deepEqual(await muted, { roomId, by: host.peerId, kind: "audio" });

    // Kick: the target gets `kicked` and loses its connections; the others see it leave with that reason.
    const kicked = waitFor(bob, "kicked", (k) => k.roomId === roomId);
    const bobClosed = waitFor(bob, "connectionClosed", (c) => c.peerId === host.peerId);
    const aliceSawLeave = waitFor(alice, "peerLeft", (l) => l.peerId === bob.peerId);
    await host.host.kick(roomId, bob.peerId ?? "");
    assert.equal((await kicked).by, host.peerId);
    await bobClosed;
    assert.equal((await aliceSawLeave).reason, "kicked");
    await until(async () => (await bob.getStats()).length === 0, 10_000, "bob's connections closed");
    await until(() => !peerNames(host).includes("bob"), 10_000, "bob gone from the host's roster");

    // Lock: everyone gets the new settings; a newcomer is refused with room_locked.
    const aliceSawLock = waitFor(alice, "roomUpdated", (u) => u.roomId === roomId && u.settings.locked);
    await host.host.lock(roomId, true);
    await aliceSawLock;
    const late = client("late", { meetingCode: roomId });
    await late.initializeNode();
    assert.equal(await codeOf(late.discoverPeers()), "room_locked");
    const aliceSawUnlock = waitFor(alice, "roomUpdated", (u) => u.roomId === roomId && !u.settings.locked);
    await host.host.lock(roomId, false);
    await aliceSawUnlock;

    // End: everyone is out, connections close, and the meeting cannot be joined again.
    const ended = waitFor(alice, "roomEnded", (e) => e.roomId === roomId);
    const aliceClosed = waitFor(alice, "connectionClosed", (c) => c.peerId === host.peerId);
    await host.host.end(roomId);
    await ended;
    await aliceClosed;
    assert.deepEqual(peerNames(alice), []);
    assert.equal(await codeOf(late.discoverPeers()), "meeting_ended");
  }, 90_000);
});

function peerNames(c: SwitchboardClient): string[] {
  let names: string[] = [];
  c.stores.peers.subscribe((ps) => (names = ps.map((p) => p.name)))();
  return names;
}
