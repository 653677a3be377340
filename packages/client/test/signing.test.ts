import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { SwitchboardError } from "../src/index.js";
import { roomCode, startRelayed, until, waitFor, type Relayed } from "./harness.js";

let tampered = 0;
let carried = 0;
type Offer = { kind?: string; sdp?: string };
/** The offer a client frame carries: a `signal`'s, or the one a `join` carries. */
function offerOf(msg: { type?: string; data?: Offer; offer?: Offer }): Offer | undefined {
  const data = msg.type === "signal" ? msg.data : msg.type === "join" ? msg.offer : undefined;
  return data?.kind === "offer" && data.sdp ? data : undefined;
}
/** Counts the offers carried by `join`. */
function countCarried(text: string): string {
  const msg = JSON.parse(text) as { type?: string; offer?: Offer };
  if (msg.type === "join" && msg.offer) carried++;
  return text;
}
/** Alters the session name line of every relayed offer (in a signal or a join): harmless to WebRTC, fatal to a signature. */
function tamperOffers(text: string): string {
  const msg = JSON.parse(text) as { type?: string; data?: Offer; offer?: Offer };
  const offer = offerOf(msg);
  if (!offer?.sdp) return text;
  const sdp = offer.sdp.replace(/^s=.*$/m, "s=tampered");
  if (sdp !== offer.sdp) tampered++;
  offer.sdp = sdp;
  return JSON.stringify(msg);
}

describe("signed offers and answers (ES256) against a tampering relay", () => {
  let env: Relayed;
  const pair = async (signing: boolean) => {
    const room = roomCode(signing ? "signed" : "unsigned");
    const a = env.client("sa", { meetingCode: room, signing: { enabled: signing } });
    const b = env.client("sb", { meetingCode: room, signing: { enabled: signing } });
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    await a.discoverPeers();
    return { a, b, joinB: () => b.discoverPeers() };
  };
  beforeAll(async () => {
    env = await startRelayed();
  }, 120_000);
  afterAll(() => env.close(), 120_000);

  it("signed and untouched: connects, the newcomer's offer carried by its join", async () => {
    env.relay.tamper = countCarried;
    const { a, joinB } = await pair(true);
    const est = waitFor(a, "connectionEstablished");
    const before = carried;
    await joinB();
    await est;
    assert.equal(carried, before + 1, "b's join carried its signed offer");
  }, 60_000);

  it("signing on, offer altered in transit: the receiver refuses with signature_invalid, no connection", async () => {
    env.relay.tamper = tamperOffers;
    const { a, b, joinB } = await pair(true);
    const established: string[] = [];
    a.on("connectionEstablished", (c) => established.push(c.peerId));
    const before = tampered;
    const refused = waitFor(a, "error", (e: SwitchboardError) => e.code === "signature_invalid");
    await joinB(); // b (newcomer) offers to a
    const err = await refused;
    assert.equal(err.peerId, b.peerId);
    assert.match(err.message, /signed offer or answer did not verify/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(established, []);
    assert.ok(tampered > before, "the offer was altered in transit");
    assert.equal((await a.getStats()).length, 0);
  }, 60_000);

  it("signing off, the same tampering: connects", async () => {
    env.relay.tamper = tamperOffers;
    const before = tampered;
    const { a, b, joinB } = await pair(false);
    const est = waitFor(a, "connectionEstablished");
    await joinB();
    assert.equal((await est).peerId, b.peerId);
    await until(async () => (await b.getStats()).length === 1, 20_000, "b connected");
    assert.ok(tampered > before, "the offer was altered in transit");
  }, 60_000);
});
