// Messages a peer sends the moment a channel opens reach the consumer even when it sets `onmessage` later: on
// real node-datachannel connections (on this host's own interfaces), the opener's first frames to an accepting end
// whose consumer is not wired up yet, and the acceptor's first frames to an opener still waiting for its `open`.
// Before FlowControlledChannel held them, both were dropped silently (a lost files handshake stalled a download).
import { afterEach, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { RTCPeerConnection as NdcPeerConnection } from "node-datachannel/polyfill";
import { FlowControlledChannel } from "../src/channel/peer-channel.js";

type Pc = RTCPeerConnection;
const newPc = (): Pc => new NdcPeerConnection({ iceServers: [] }) as unknown as Pc;
const pcs: Pc[] = [];
afterEach(() => {
  for (const pc of pcs.splice(0)) pc.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const text = (d: Uint8Array | string): string => (typeof d === "string" ? d : new TextDecoder().decode(d));

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Two connected peer connections with an open first channel (as the SDK's own channel is). The offerer's
 * candidates go as the SDK sends them on node-datachannel (`nodeRtc()`): once the answer is set and its own ICE is
 * connected, else libdatachannel can fail the DTLS fingerprint check or lose the answerer's ClientHello (a 1 s stall).
 */
async function connectedPair(): Promise<[Pc, Pc]> {
  const a = newPc();
  const b = newPc();
  pcs.push(a, b);
  const held: RTCIceCandidate[] = [];
  let release = false;
  const give = (c: RTCIceCandidate) => void b.addIceCandidate(c).catch(() => undefined);
  a.onicecandidate = (e) => void (e.candidate && (release ? give(e.candidate) : held.push(e.candidate)));
  b.onicecandidate = (e) => void (e.candidate && a.addIceCandidate(e.candidate).catch(() => undefined));
  const first = a.createDataChannel("sdk");
  const opened = new Promise((r) => first.addEventListener("open", r, { once: true }));
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  const checking = () => a.iceConnectionState === "new" || a.iceConnectionState === "checking";
  await until(() => !checking(), 250, "the offerer's ICE").catch(() => undefined); // bounded, as in the SDK
  release = true;
  held.splice(0).forEach(give);
  await opened;
  return [a, b];
}

describe("a channel's first messages before its consumer is attached", () => {
  it("the accepting end holds what the opener sent until onmessage is set, in order", async () => {
    const [a, b] = await connectedPair();
    let accepted: FlowControlledChannel | undefined;
    b.ondatachannel = (e) => {
      if (e.channel.label === "files") accepted = new FlowControlledChannel(e.channel, { peerId: "a" });
    };
    const dc = a.createDataChannel("files", { ordered: true });
    await new Promise((r) => dc.addEventListener("open", r, { once: true }));
    for (const m of ["one", "two", "three"]) dc.send(m);
    await until(() => accepted !== undefined, 15_000, "the accepted channel");
    await sleep(300); // the messages have arrived by now; nobody is listening yet
    const got: string[] = [];
    accepted!.onmessage = (d) => got.push(text(d));
    dc.send("four");
    await until(() => got.length === 4, 15_000, `all four messages (got ${JSON.stringify(got)})`);
    assert.deepEqual(got, ["one", "two", "three", "four"]);
  }, 30_000);

  it("the opening end holds what the acceptor sent before the opener's consumer took the channel", async () => {
    const [a, b] = await connectedPair();
    b.ondatachannel = (e) => {
      if (e.channel.label !== "files") return;
      const ch = e.channel;
      const send = (): void => {
        for (const m of ["hello", "world"]) ch.send(m);
      };
      if (ch.readyState === "open") send();
      else ch.addEventListener("open", send, { once: true });
    };
    const ch = new FlowControlledChannel(a.createDataChannel("files", { ordered: true }), { peerId: "b" });
    await until(() => ch.open, 15_000, "the opened channel");
    await sleep(300);
    const got: string[] = [];
    ch.onmessage = (d) => got.push(text(d));
    // Set in a task of its own, as a consumer does: nothing is delivered synchronously inside the setter.
    assert.deepEqual(got, []);
    await until(() => got.length === 2, 15_000, `both messages (got ${JSON.stringify(got)})`);
    assert.deepEqual(got, ["hello", "world"]);
  }, 30_000);
});
