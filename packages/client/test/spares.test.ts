// The prepared peer connections (`Spares`) on real node-datachannel connections: the idle answerer waits without
// a timer, answerers made when peers join expire, an offering spare's offer is ready when `offerReady` resolves;
// on @roamhq/wrtc (libwebrtc, as in browsers) an answerer made with its SDK channel answers and that channel opens.
import { afterEach, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { RTCPeerConnection as NdcPeerConnection } from "node-datachannel/polyfill";
import { Spares } from "../src/peer/spares.js";
import { SDK_CHANNEL, SDK_CHANNEL_INIT } from "../src/peer/sdk-channel.js";
import { until } from "./harness.js";

const wrtc = createRequire(import.meta.url)("@roamhq/wrtc") as {
  RTCPeerConnection: new (config?: RTCConfiguration) => RTCPeerConnection;
};

const made: RTCPeerConnection[] = [];
const create = (): RTCPeerConnection => {
  const pc = new NdcPeerConnection({ iceServers: [] }) as unknown as RTCPeerConnection;
  made.push(pc);
  return pc;
};
let spares: Spares | undefined;
afterEach(() => {
  spares?.clear();
  for (const pc of made.splice(0)) pc.close();
});

describe("spares", () => {
  it("keeps one idle answerer past the age limit; answerers made for joining peers expire", async () => {
    const s = (spares = new Spares({ create, maxAgeMs: 150 }));
    s.idle(false);
    s.idle(false);
    assert.equal(s.size, 1, "one idle answerer per policy");
    s.warm(false, 1);
    assert.equal(s.size, 1, "the idle one serves the first peer that joins");
    s.warm(false, 3);
    assert.equal(s.size, 3, "one answerer per peer that joined");
    await until(() => s.size === 1, 10_000, "the extra answerers to expire");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(s.size, 1, "the idle answerer stays");
    const taken = s.take(false, false);
    assert.ok(taken && taken.offer === undefined && taken.sdk === undefined);
    assert.equal(s.take(false, false), undefined);
    assert.equal(s.take(true, false), undefined, "no answerer for the relay-only policy");
  }, 20_000);

  it("offerReady resolves once the offering spare's offer is set", async () => {
    const s = (spares = new Spares({ create }));
    await s.offerReady(false); // none waits: at once
    s.warmOffer(false);
    await s.offerReady(false, 10_000);
    const taken = s.take(false, true);
    assert.ok(taken?.offer && taken.sdk);
    assert.equal(taken.pc.signalingState, "have-local-offer");
    assert.match((await taken.offer).sdp ?? "", /^v=0/);
  }, 20_000);

  it("an answerer made with answererChannel holds the SDK channel, answers an offer, and that channel opens", async () => {
    const libwebrtc = (): RTCPeerConnection => {
      const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
      made.push(pc);
      return pc;
    };
    const s = (spares = new Spares({ create: libwebrtc, answererChannel: true }));
    s.idle(false);
    const answerer = s.take(false, false);
    assert.ok(answerer?.sdk, "the idle answerer has its SDK channel");
    assert.equal(answerer.pc.signalingState, "stable");
    assert.equal(answerer.pc.localDescription, null, "no description yet: nothing negotiated by itself");
    assert.equal(answerer.sdk.label, SDK_CHANNEL);
    const offerer = libwebrtc();
    const sdk = offerer.createDataChannel(SDK_CHANNEL, SDK_CHANNEL_INIT);
    offerer.onicecandidate = (e) => void (e.candidate && answerer.pc.addIceCandidate(e.candidate));
    answerer.pc.onicecandidate = (e) => void (e.candidate && offerer.addIceCandidate(e.candidate));
    const offer = await offerer.createOffer();
    await offerer.setLocalDescription(offer);
    await answerer.pc.setRemoteDescription(offer);
    const answer = await answerer.pc.createAnswer();
    await answerer.pc.setLocalDescription(answer);
    await offerer.setRemoteDescription(answer);
    const got = new Promise<string>((resolve) => {
      answerer.sdk?.addEventListener("message", (e) => resolve(String(e.data)));
    });
    await until(() => sdk.readyState === "open", 15_000, "the offerer's SDK channel opened");
    sdk.send("hello");
    assert.equal(await got, "hello");
    assert.equal(answerer.sdk.readyState, "open");
  }, 30_000);
});
