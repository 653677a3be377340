/**
 * A node-datachannel offerer whose answerer is the DTLS client (libdatachannel answers `a=setup:active`) keeps its
 * ICE candidates until its own ICE is connected (`offerCandidatesAfterIceMs`): the answerer can then only answer
 * our checks and check back, so our ICE is connected (and our DTLS server started) before its ClientHello comes.
 * libdatachannel 0.24 loses a ClientHello that arrives earlier and the handshake waits ~1 s for the retransmission.
 * Real signaling and node-datachannel peers; a WebSocket relay in front of signaling holds or drops frames and
 * records when it forwards each one.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { nodeRtc } from "../src/node.js";
import { inbox, roomCode, startRelayed, until, waitFor, type Relayed } from "./harness.js";

interface Frame {
  readonly from: "a" | "b";
  readonly to: string;
  readonly kind: string;
  /** When the relay forwarded it (performance.now()). */
  readonly at: number;
}

describe("the offerer's candidates wait for its ICE (node-datachannel answerer as DTLS client)", () => {
  let env: Relayed;
  /** Who sends each frame: the clients' session ids once known. */
  const ids = { a: "", b: "" };
  let frames: Frame[] = [];
  /** The answerer's candidates to the offerer: forwarded at once, held this long, or dropped. */
  let answererCandidates: "pass" | "drop" | number = "pass";
  const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  beforeAll(async () => {
    env = await startRelayed();
    env.relay.tamper = (text) => {
      const m = JSON.parse(text) as { type?: string; to?: string; data?: { kind?: string } };
      if (m.type !== "signal" || !m.to || !m.data?.kind) return text;
      const from = m.to === ids.b ? "a" : "b";
      const kind = m.data.kind;
      const record = () => frames.push({ from, to: m.to ?? "", kind, at: performance.now() });
      if (from === "a" && kind === "candidate" && answererCandidates !== "pass") {
        if (answererCandidates === "drop") return null;
        return wait(answererCandidates).then(() => (record(), text));
      }
      record();
      return text;
    };
  }, 120_000);
  afterAll(() => env.close(), 120_000);

  /** `a` waits in the meeting, `b` joins with an offer carried by `join` (b offers, a answers). */
  const connect = async (tag: string, holdMs: number) => {
    frames = [];
    const room = roomCode(tag);
    const rtc = { ...nodeRtc(), offerCandidatesAfterIceMs: holdMs };
    const a = env.client(`a-${tag}`, { meetingCode: room, rtc });
    const b = env.client(`b-${tag}`, { meetingCode: room, rtc });
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    ids.a = a.peerId ?? "";
    ids.b = b.peerId ?? "";
    await a.discoverPeers();
    const est = [waitFor(a, "connectionEstablished"), waitFor(b, "connectionEstablished")];
    await b.discoverPeers();
    await Promise.all(est);
    const box = inbox(a);
    await b.send(ids.a, "over the channel");
    await until(() => (box.get(ids.b) ?? []).includes("over the channel"), 20_000, "the message");
    return frames;
  };

  it("no offerer candidate leaves before the answerer's candidates reached it", async () => {
    answererCandidates = 400; // held in the relay: the offerer cannot check before they come
    const seen = await connect("dtlsorder", 60_000);
    const firstFromA = seen.find((f) => f.from === "a" && f.kind === "candidate");
    const fromB = seen.filter((f) => f.from === "b" && f.kind === "candidate");
    assert.ok(
      seen.some((f) => f.from === "a" && f.kind === "answer"),
      "a answered",
    );
    assert.ok(firstFromA, "the answerer's candidates were forwarded");
    assert.ok(fromB.length > 0, "the offerer sent its candidates once connected");
    for (const f of fromB)
      assert.ok(
        f.at > firstFromA.at,
        `an offerer candidate at ${f.at}, the answerer's first at ${firstFromA.at}`,
      );
  }, 60_000);

  it("the hold is bounded: without the answerer's candidates the offerer's go after the bound", async () => {
    answererCandidates = "drop"; // the offerer never learns them: only the answerer's checks can connect
    const seen = await connect("dtlsbound", 250);
    const answer = seen.find((f) => f.from === "a" && f.kind === "answer");
    const first = seen.find((f) => f.from === "b" && f.kind === "candidate");
    assert.ok(answer && first, "an answer, then the offerer's candidates");
    assert.ok(
      first.at - answer.at >= 240,
      `the offerer's first candidate ${first.at - answer.at} ms after the answer`,
    );
  }, 60_000);
});
