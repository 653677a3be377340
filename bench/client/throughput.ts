// Node↔Node data-channel throughput: through the SDK's send() and over a bare node-datachannel RTCDataChannel pump
// with the same chunk size and water marks.
import { RTCPeerConnection } from "node-datachannel/polyfill";
import { SwitchboardClient, nodeRtc, HIGH_WATER_MARK } from "@switchboard/client/node";

export const BYTES = 32 * 1024 * 1024;
const CHUNK = 60 * 1024;
/** The SDK channel's low-water mark (packages/client/src/channel/peer-channel.ts), for the bare pump. */
const LOW_WATER_MARK = 256 * 1024;

/** 32 MiB from A to B through the SDK's send() (its backpressure), MiB/s at the receiver. */
export async function sdkThroughput(signalingUrl: string, meetingCode: string): Promise<number> {
  const a = new SwitchboardClient({ signalingUrl, meetingCode, rtc: nodeRtc() });
  const b = new SwitchboardClient({ signalingUrl, meetingCode, rtc: nodeRtc() });
  try {
    const connected = new Promise<string>((resolve) =>
      a.on("connectionEstablished", (c) => resolve(c.peerId)),
    );
    const bReady = new Promise<void>((resolve) => b.on("connectionEstablished", () => resolve()));
    await a.initializeNode();
    await a.discoverPeers();
    await b.initializeNode();
    await b.discoverPeers();
    const peerId = await connected;
    await bReady;
    let received = 0;
    const done = new Promise<number>((resolve) =>
      b.on("message", ({ data }) => {
        received += typeof data === "string" ? data.length : data.byteLength;
        if (received >= BYTES) resolve(performance.now());
      }),
    );
    const chunk = new Uint8Array(CHUNK).fill(7);
    const t0 = performance.now();
    for (let sent = 0; sent < BYTES; sent += CHUNK) await a.send(peerId, chunk);
    const t1 = await done;
    if (process.env.CLIENT_BENCH_DEBUG) console.error("sdk pair", JSON.stringify(await a.getStats()));
    return BYTES / 1024 / 1024 / ((t1 - t0) / 1000);
  } finally {
    await Promise.all([a.disconnect(), b.disconnect()]);
  }
}

/** The same 32 MiB over a bare node-datachannel RTCDataChannel (the ICE servers the SDK gets from signaling), same chunk and water marks, MiB/s at the receiver. */
export async function bareThroughput(iceServers: RTCIceServer[]): Promise<number> {
  const pa = new RTCPeerConnection({ iceServers });
  const pb = new RTCPeerConnection({ iceServers });
  try {
    // Candidates wait until both descriptions are set (node-datachannel drops ones that come earlier).
    let described = false;
    const early: [RTCPeerConnection, RTCIceCandidate][] = [];
    const relay = (to: RTCPeerConnection) => (e: RTCPeerConnectionIceEvent) => {
      if (!e.candidate) return;
      if (described) void to.addIceCandidate(e.candidate);
      else early.push([to, e.candidate]);
    };
    pa.onicecandidate = relay(pb);
    pb.onicecandidate = relay(pa);
    const dc = pa.createDataChannel("bench", { ordered: true });
    const opened = new Promise<void>((resolve) => dc.addEventListener("open", () => resolve()));
    const remote = new Promise<RTCDataChannel>((resolve) => (pb.ondatachannel = (e) => resolve(e.channel)));
    const offer = (await pa.createOffer()) as RTCSessionDescriptionInit;
    await pa.setLocalDescription(offer);
    await pb.setRemoteDescription(offer);
    const answer = (await pb.createAnswer()) as RTCSessionDescriptionInit;
    await pb.setLocalDescription(answer);
    await pa.setRemoteDescription(answer);
    described = true;
    for (const [to, c] of early.splice(0)) await to.addIceCandidate(c);
    if (dc.readyState !== "open") await opened;
    const rx = await remote;
    rx.binaryType = "arraybuffer";
    let received = 0;
    const done = new Promise<number>((resolve) => {
      rx.onmessage = (e: MessageEvent) => {
        received += (e.data as ArrayBuffer).byteLength;
        if (received >= BYTES) resolve(performance.now());
      };
    });
    dc.bufferedAmountLowThreshold = LOW_WATER_MARK;
    const chunk = new Uint8Array(CHUNK).fill(7); // the SDK sends application bytes unframed: the same bytes on the wire
    const t0 = performance.now();
    for (let sent = 0; sent < BYTES; sent += CHUNK) {
      while (dc.bufferedAmount > HIGH_WATER_MARK)
        await new Promise<void>((resolve) =>
          dc.addEventListener("bufferedamountlow", () => resolve(), { once: true }),
        );
      dc.send(chunk);
    }
    const t1 = await done;
    if (process.env.CLIENT_BENCH_DEBUG)
      console.error(
        "bare pair",
        JSON.stringify((pa as unknown as { selectedCandidatePair(): unknown }).selectedCandidatePair()),
      );
    return BYTES / 1024 / 1024 / ((t1 - t0) / 1000);
  } finally {
    pa.close();
    pb.close();
  }
}
