// FlowControlledChannel on real node-datachannel peers: messages that arrive before `onmessage` is set are kept
// and delivered in order once it is (the peer may send the moment it sees an extra channel, before the opener's
// `openChannel` resolves); a peer that floods a channel nobody reads gets it closed, not unbounded memory.
import { afterEach, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { RTCPeerConnection } from "node-datachannel/polyfill";
import { EARLY_MESSAGE_LIMIT, FlowControlledChannel } from "../src/channel/peer-channel.js";
import { until } from "./harness.js";

const pcs: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of pcs.splice(0)) pc.close();
});

/** Two connected peers; A opens channel "x"; B's side of it is handed to `onRemote` as soon as it exists. */
async function pair(onRemote: (dc: RTCDataChannel) => void): Promise<RTCDataChannel> {
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  pcs.push(a, b);
  const early: [RTCPeerConnection, RTCIceCandidate][] = [];
  let described = false;
  const relay = (to: RTCPeerConnection) => (e: RTCPeerConnectionIceEvent) => {
    if (!e.candidate) return;
    if (described) void to.addIceCandidate(e.candidate);
    else early.push([to, e.candidate]);
  };
  a.onicecandidate = relay(b);
  b.onicecandidate = relay(a);
  b.ondatachannel = (e) => onRemote(e.channel);
  const dc = a.createDataChannel("x", { ordered: true });
  const offer = (await a.createOffer()) as RTCSessionDescriptionInit;
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  const answer = (await b.createAnswer()) as RTCSessionDescriptionInit;
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  described = true;
  for (const [to, c] of early.splice(0)) await to.addIceCandidate(c);
  return dc;
}

describe("FlowControlledChannel: messages before onmessage", () => {
  it("keeps what arrives before the handler is set and delivers it first, in order", async () => {
    let remoteSent = 0;
    const dc = await pair((rx) => {
      const send = () => {
        for (const m of ["one", "two", "three"]) rx.send(m);
        remoteSent = 3;
      };
      if (rx.readyState === "open") send();
      else rx.addEventListener("open", send, { once: true });
    });
    const ch = new FlowControlledChannel(dc, { peerId: "b" });
    await until(() => remoteSent === 3 && ch.open, 20_000, "remote sent and channel open");
    await new Promise((r) => setTimeout(r, 300)); // the three are in by now, with no handler to take them
    const got: (string | Uint8Array)[] = [];
    ch.onmessage = (d) => got.push(d);
    assert.deepEqual(got, [], "delivered after the setter's statement, not inside it");
    await until(() => got.length === 3, 20_000, "early messages delivered");
    assert.deepEqual(got, ["one", "two", "three"]);
  }, 60_000);

  it("closes a channel flooded before anyone reads it", async () => {
    const dc = await pair((rx) => {
      const send = () => {
        const chunk = "x".repeat(32 * 1024);
        for (let i = 0; i <= EARLY_MESSAGE_LIMIT / chunk.length; i++) rx.send(chunk);
      };
      if (rx.readyState === "open") send();
      else rx.addEventListener("open", send, { once: true });
    });
    const ch = new FlowControlledChannel(dc, { peerId: "b" });
    let closed = false;
    ch.onclose = () => (closed = true);
    await until(() => closed, 20_000, "flooded channel closed");
    assert.equal(ch.open, false);
  }, 60_000);
});
