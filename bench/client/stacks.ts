// The SDK on Node: node-datachannel vs @roamhq/wrtc, direct and relay-only through our TURN (5 MB each way,
// 60 KiB messages), time from discoverPeers() to the first message, and the SDK against a bare RTCDataChannel
// pump on node-datachannel. Medians of RUNS runs.   npx tsx --conditions=source bench/client/stacks.ts
import { createRequire } from "node:module";
import { RTCPeerConnection as NdcPeerConnection } from "node-datachannel/polyfill";
import { SwitchboardClient, type RtcImplementation } from "@switchboard/client";
import { nodeRtc } from "@switchboard/client/node";
import { roomCode, startServices, type Services } from "../../packages/client/test/harness.js";
import { median } from "../median.js";

const RUNS = Number(process.env.RUNS ?? 3);
const BYTES = 5 * 1024 * 1024;
const CHUNK = 60 * 1024;
const require = createRequire(import.meta.url);
const wrtc = require("@roamhq/wrtc") as { RTCPeerConnection: RtcImplementation["RTCPeerConnection"] };

const mib = (bytes: number, ms: number) => bytes / 1024 / 1024 / (ms / 1000);

function stack(name: string): RtcImplementation {
  const node = nodeRtc();
  return name === "wrtc" ? { RTCPeerConnection: wrtc.RTCPeerConnection, WebSocket: node.WebSocket } : node;
}

async function sdkRun(
  svc: Services,
  name: string,
  relay: boolean,
): Promise<{ firstMs: number; mibps: number }> {
  const room = roomCode("bench");
  const opts = {
    signalingUrl: svc.ws,
    meetingCode: room,
    rtc: stack(name),
    ...(relay ? { iceTransportPolicy: "relay" as const } : {}),
  };
  const a = new SwitchboardClient({ ...opts, name: "a" });
  const b = new SwitchboardClient({ ...opts, name: "b" });
  await Promise.all([a.initializeNode(), b.initializeNode()]);
  await a.discoverPeers();
  const t0 = performance.now();
  const first = new Promise<number>((r) => a.once("message", () => r(performance.now() - t0)));
  b.on("connectionEstablished", (c) => void b.send(c.peerId, "first"));
  await b.discoverPeers();
  const firstMs = await first;
  let got = 0;
  const done = new Promise<void>((r) =>
    b.on("message", ({ data }) => {
      got += typeof data === "string" ? data.length : data.byteLength;
      if (got >= BYTES) r();
    }),
  );
  const chunk = new Uint8Array(CHUNK).fill(1);
  const peer = b.peerId ?? "";
  const t1 = performance.now();
  for (let sent = 0; sent < BYTES; sent += CHUNK) await a.send(peer, chunk);
  await done;
  const ms = performance.now() - t1;
  await Promise.all([a.disconnect(), b.disconnect()]);
  return { firstMs, mibps: mib(BYTES, ms) };
}

/** Two bare node-datachannel connections in one process, one data channel, the same chunking and high water. */
async function barePump(): Promise<number> {
  const p1 = new NdcPeerConnection({ iceServers: [] });
  const p2 = new NdcPeerConnection({ iceServers: [] });
  p1.onicecandidate = (e) => e.candidate && void p2.addIceCandidate(e.candidate).catch(() => {});
  p2.onicecandidate = (e) => e.candidate && void p1.addIceCandidate(e.candidate).catch(() => {});
  const dc = p1.createDataChannel("bare");
  let got = 0;
  const done = new Promise<void>((r) => {
    p2.ondatachannel = (e) => {
      e.channel.binaryType = "arraybuffer";
      e.channel.onmessage = (m: MessageEvent) => {
        got += (m.data as ArrayBuffer).byteLength;
        if (got >= BYTES) r();
      };
    };
  });
  const offer: RTCSessionDescriptionInit = (await p1.createOffer()) as RTCSessionDescriptionInit;
  await p1.setLocalDescription(offer);
  await p2.setRemoteDescription(offer);
  const answer: RTCSessionDescriptionInit = (await p2.createAnswer()) as RTCSessionDescriptionInit;
  await p2.setLocalDescription(answer);
  await p1.setRemoteDescription(answer);
  await new Promise<void>((r) => (dc.readyState === "open" ? r() : (dc.onopen = () => r())));
  const chunk = new Uint8Array(CHUNK).fill(1);
  const t1 = performance.now();
  for (let sent = 0; sent < BYTES; sent += CHUNK) {
    while (dc.bufferedAmount > 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
    dc.send(chunk);
  }
  await done;
  const ms = performance.now() - t1;
  p1.close();
  p2.close();
  return mib(BYTES, ms);
}

const svc = await startServices({ turn: true });
const rows: string[] = [];
for (const name of ["node-datachannel", "wrtc"]) {
  for (const relay of [false, true]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await sdkRun(svc, name, relay));
    rows.push(
      `| ${name} | ${relay ? "relay-only (our TURN)" : "direct"} | ${median(runs.map((r) => r.firstMs)).toFixed(0)} | ${median(runs.map((r) => r.mibps)).toFixed(1)} |`,
    );
    console.log(rows.at(-1));
  }
}
const bare = [];
for (let i = 0; i < RUNS; i++) bare.push(await barePump());
const sdkDirect = [];
for (let i = 0; i < RUNS; i++) sdkDirect.push((await sdkRun(svc, "node-datachannel", false)).mibps);
console.log("| stack | path | discoverPeers → first message, ms | 5 MB through send(), MiB/s |");
for (const r of rows) console.log(r);
console.log(
  `bare node-datachannel pump ${median(bare).toFixed(1)} MiB/s, SDK ${median(sdkDirect).toFixed(1)} MiB/s, ratio ${(median(sdkDirect) / median(bare)).toFixed(2)}`,
);
await svc.close();
process.exit(0);
