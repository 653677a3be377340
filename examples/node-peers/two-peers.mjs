#!/usr/bin/env node
// Two Node peers in one meeting: both join, connect (the method that won is printed), say hello over the data
// channel and leave. Needs the platform running (`npm start` in another terminal) and the workspaces built.
//
//   node examples/node-peers/two-peers.mjs [meeting-code]
//   SIGNALING_URL=ws://host:8080/ws node examples/node-peers/two-peers.mjs
import { SwitchboardClient } from "@switchboard/client";
import { nodeRtc } from "@switchboard/client/node";

const signalingUrl = process.env.SIGNALING_URL ?? "ws://127.0.0.1:8080/ws";
const meetingCode = process.argv[2] ?? `example-${Date.now().toString(36)}`;

/** A peer that logs what happens and resolves `connected` (the other's id) and `heard` (its first message). */
function makePeer(name) {
  const client = new SwitchboardClient({ signalingUrl, meetingCode, name, rtc: nodeRtc() });
  client.on("peerDiscovered", (peer) => console.log(`${name}: found ${peer.name} (${peer.peerId})`));
  client.on("error", (err) => console.error(`${name}: ${err.code}: ${err.message}`));
  const connected = new Promise((resolve) =>
    client.on("connectionEstablished", (c) => {
      console.log(`${name}: connected to ${c.peerId} via ${c.method} in ${Math.round(c.setupMs)} ms`);
      resolve(c.peerId);
    }),
  );
  const heard = new Promise((resolve) =>
    client.on("message", ({ data }) => {
      console.log(`${name} got: ${typeof data === "string" ? data : `${data.byteLength} bytes`}`);
      resolve();
    }),
  );
  return { name, client, connected, heard };
}

const peers = [makePeer("alice"), makePeer("bob")];
try {
  // Connect to signaling and join the meeting; the SDK connects to every peer it finds (autoConnect).
  for (const { client } of peers) {
    await client.initializeNode();
    await client.discoverPeers();
  }
  for (const { name, client, connected } of peers) await client.send(await connected, `hello from ${name}`);
  await Promise.all(peers.map((p) => p.heard));
  for (const s of await peers[0].client.getStats())
    console.log(`alice → ${s.peerId}: ${s.method}, rtt ${s.rttMs ?? "?"} ms`);
} finally {
  for (const { client } of peers) await client.disconnect();
}
