/**
 * A node-datachannel offerer keeps its ICE candidates until the answer is set (`offerCandidatesAfterAnswer`):
 * libdatachannel hands the ICE agent the answer's credentials before it stores the answer, so checks that arrive
 * early (the answerer had our candidates) could finish ICE and DTLS in between, and the DTLS fingerprint check
 * then failed. Real signaling and node-datachannel peers; a WebSocket relay in front of signaling records the
 * client → server frames in the order it forwards them: the answer to the offerer passes before any candidate of
 * the offerer does (the offerer only sends them once it has that answer).
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { inbox, roomCode, startRelayed, until, waitFor, type Relayed } from "./harness.js";

interface Frame {
  readonly to: string;
  readonly kind: string;
}

describe("the offerer's candidates go after the answer (node-datachannel)", () => {
  let env: Relayed;
  let frames: Frame[] = [];
  const client = (name: string, extra = {}) => env.client(name, extra);
  beforeAll(async () => {
    env = await startRelayed();
    env.relay.tamper = (text) => {
      const m = JSON.parse(text) as { type?: string; to?: string; offer?: unknown; data?: { kind?: string } };
      if (m.type === "signal" && m.to && m.data?.kind) frames.push({ to: m.to, kind: m.data.kind });
      if (m.type === "join" && m.offer) frames.push({ to: "*", kind: "offer" });
      return text;
    };
  }, 120_000);
  afterAll(() => env.close(), 120_000);

  /** In a meeting of two: `offerer`'s candidates (sent to `answerer`) all follow `answerer`'s answer to it. */
  const assertOrder = (offerer: string, answerer: string) => {
    const answerAt = frames.findIndex((f) => f.kind === "answer" && f.to === offerer);
    const candidatesAt = frames.flatMap((f, i) => (f.kind === "candidate" && f.to === answerer ? [i] : []));
    assert.ok(answerAt >= 0, "the answerer answered");
    assert.ok(candidatesAt.length > 0, "the offerer sent candidates");
    assert.ok(
      candidatesAt.every((i) => i > answerAt),
      `offerer candidates at ${candidatesAt.join(",")}, the answer at ${answerAt}`,
    );
    // the answerer's own candidates are not held back
    assert.ok(frames.some((f) => f.kind === "candidate" && f.to === offerer));
  };

  it("the offer carried by join", async () => {
    frames = [];
    const room = roomCode("candorder");
    const a = client("a", { meetingCode: room });
    const b = client("b", { meetingCode: room });
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    await a.discoverPeers();
    const est = [waitFor(a, "connectionEstablished"), waitFor(b, "connectionEstablished")];
    await b.discoverPeers();
    await Promise.all(est);
    assert.equal(frames[0]?.kind, "offer", "b's join carried the offer");
    assertOrder(b.peerId ?? "", a.peerId ?? "");
    const box = inbox(a);
    await b.send(a.peerId ?? "", "after the answer");
    await until(() => (box.get(b.peerId ?? "") ?? []).includes("after the answer"), 20_000, "the message");
  }, 60_000);

  it("an offer sent by signal (connectToPeer)", async () => {
    frames = [];
    const room = roomCode("candorder2");
    const a = client("a2", { meetingCode: room, autoConnect: false });
    const b = client("b2", { meetingCode: room, autoConnect: false });
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    await a.discoverPeers();
    const seen = waitFor(a, "peerDiscovered");
    await b.discoverPeers();
    await seen;
    const est = waitFor(b, "connectionEstablished");
    await a.connectToPeer(b.peerId ?? "");
    await est;
    assert.deepEqual(
      frames.filter((f) => f.kind === "offer").map((f) => f.to),
      [b.peerId],
    );
    assertOrder(a.peerId ?? "", b.peerId ?? "");
  }, 60_000);
});
