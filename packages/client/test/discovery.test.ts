// The SDK without signaling, through our tracker (the built services/tracker, a real process) and real
// node-datachannel peers: what works (connect, send, chat over the channels, leave), what is refused with a clear
// code instead of hanging (server chat, host controls), and hostile input relayed by the tracker (garbage,
// frames sealed under another code, a forged sender) that changes nothing.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { WebSocket } from "ws";
import { freePort } from "@switchboard/test-support";
import {
  ChatError,
  meetingInfoHash,
  SwitchboardError,
  type Readable,
  type SwitchboardClient,
} from "../src/index.js";
import { generateKeyPair } from "../src/crypto/signing.js";
import { fromBase64Url } from "../src/crypto/base64url.js";
import { meetingFrameKey, peerIdOfKey } from "../src/discovery/meeting-keys.js";
import { sealFrame } from "../src/discovery/seal.js";
import type * as Sdk from "../src/index.js";
import { nodeRtc } from "../src/node.js";
import type { WebSocketConstructor } from "../src/signaling/websocket.js";
import { inbox, makeClient, roomCode, until, waitFor } from "./harness.js";

const TRACKER_MAIN = fileURLToPath(new URL("../../../services/tracker/dist/main.js", import.meta.url));
const bin = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
/** The current value of a Svelte-style store. */
function current<T>(store: Readable<T>): T {
  let value!: T;
  store.subscribe((v) => (value = v))();
  return value;
}

describe("discovery: 'tracker' (SDK, no signaling service)", () => {
  let tracker: ChildProcess;
  let trackerUrl = "";
  const clients: SwitchboardClient[] = [];
  const client = (name: string, meetingCode: string) => {
    const c = makeClient("ws://127.0.0.1:9/unused", {
      name,
      meetingCode,
      discovery: "tracker",
      trackerUrls: [trackerUrl],
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const port = await freePort();
    tracker = spawn(process.execPath, [TRACKER_MAIN], {
      env: {
        ...process.env,
        TRACKER_HOST: "127.0.0.1",
        TRACKER_PORT: String(port),
        TRACKER_UDP: "false",
        LOG_LEVEL: "warn",
        REDIS_URL: "",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok === true,
      30_000,
      "tracker health",
    );
    trackerUrl = `ws://127.0.0.1:${port}/announce`;
  }, 150_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    tracker.kill("SIGTERM");
  }, 150_000);

  it("connects, sends, chats over the channels, refuses what needs a server, survives hostile frames and sees a leave", async () => {
    const code = roomCode("trk");
    const a = client("a", code);
    const b = client("b", code);
    const errorsA: SwitchboardError[] = [];
    a.on("error", (e) => errorsA.push(e));
    const boxA = inbox(a);
    const boxB = inbox(b);
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    assert.match(a.peerId ?? "", /^[0-9a-f]{40}$/, "peer id = hash of the session's key");
    await Promise.all([a.discoverPeers(), b.discoverPeers()]);
    await until(
      () => current(a.stores.connections).length === 1 && current(b.stores.connections).length === 1,
      45_000,
      "a and b connected",
    );
    const idA = a.peerId ?? "";
    const idB = b.peerId ?? "";

    // Hostile input through the tracker: a raw WebSocket peer in the same swarm sends garbage, a frame sealed
    // under another meeting code, and a well-sealed frame that claims to be `b` (it knows the code, not b's key).
    const infoHash = bin(await meetingInfoHash(code));
    const mallory = new WebSocket(trackerUrl);
    await new Promise((r, j) => mallory.once("open", r).once("error", j));
    const keys = await generateKeyPair();
    const malloryId = await peerIdOfKey(fromBase64Url(keys.publicKeySpki));
    const ctx = { key: await meetingFrameKey(code), infoHash: new Uint8Array(await meetingInfoHash(code)) };
    const otherCtx = { key: await meetingFrameKey(`${code}-x`), infoHash: ctx.infoHash };
    const forgedBye = await sealFrame(ctx, keys, { t: "bye", from: idB });
    const otherHello = await sealFrame(otherCtx, keys, {
      t: "hello",
      from: malloryId,
      key: keys.publicKeySpki,
      name: "mallory",
      ack: false,
      joinedAt: 1,
    });
    const payloads = ["garbage", "A".repeat(16_000), otherHello, forgedBye, ""];
    const id20 = (i: number) => bin(Uint8Array.from({ length: 20 }, (_, j) => (i * 31 + j) & 0xff));
    mallory.send(
      JSON.stringify({
        action: "announce",
        info_hash: infoHash,
        peer_id: Buffer.from(malloryId, "hex").toString("latin1"),
        numwant: 5,
        offers: payloads.map((sdp, i) => ({ offer: { type: "offer", sdp }, offer_id: id20(i) })),
      }),
    );
    for (const [i, sdp] of payloads.entries())
      for (const to of [idA, idB])
        mallory.send(
          JSON.stringify({
            action: "announce",
            info_hash: infoHash,
            peer_id: Buffer.from(malloryId, "hex").toString("latin1"),
            answer: { type: "answer", sdp },
            to_peer_id: Buffer.from(to, "hex").toString("latin1"),
            offer_id: id20(100 + i),
          }),
        );
    await new Promise((r) => setTimeout(r, 1500));
    mallory.close();

    assert.deepEqual(
      current(a.stores.peers).map((p) => p.peerId),
      [idB],
      "no one new, b still there",
    );
    await b.send(idA, "still fine");
    await until(() => (boxA.get(idB)?.length ?? 0) > 0, 20_000, "message a ← b");
    assert.equal(boxA.get(idB)?.[0], "still fine");

    // Chat goes over the data channels when every peer is connected.
    const chatAtB = waitFor(b, "chat");
    const item = await a.sendChat("hi over the channel");
    assert.equal(item?.via, "channel");
    assert.equal((await chatAtB).text, "hi over the channel");

    // What needs a server is refused at once, with a code that says so.
    await assert.rejects(a.host.kick(code, idB), (e: unknown) => {
      assert.ok(e instanceof SwitchboardError);
      assert.equal(e.code, "unsupported_without_signaling");
      return true;
    });
    await assert.rejects(a.host.lock(code), { code: "unsupported_without_signaling" });

    // A late peer: before it is connected to everyone, chat would need the server: refused, not lost silently.
    const c = client("c", code);
    await c.initializeNode();
    await c.discoverPeers();
    if (current(c.stores.connections).length < 2)
      await assert.rejects(c.sendChat("too early"), (e: unknown) => {
        assert.ok(e instanceof ChatError);
        assert.equal(e.code, "unsupported_without_signaling");
        return true;
      });
    await until(() => current(c.stores.connections).length === 2, 45_000, "c connected to a and b");
    await b.send(c.peerId ?? "", "hello c");
    assert.ok(boxB); // b's inbox exists from the start: nothing from mallory reached it
    assert.deepEqual(
      [...boxB.keys()].filter((k) => k !== idA && k !== c.peerId),
      [],
    );

    // Leaving says bye: the others see `peerLeft` at once (not after the keep-alive timeout).
    const left = waitFor(a, "peerLeft", (p) => p.peerId === idB, 10_000);
    await b.disconnect();
    assert.equal((await left).reason, "left");
    assert.deepEqual(
      errorsA.filter((e) => e.code !== "unavailable"),
      [],
      "no error surfaced from the hostile frames",
    );
  }, 150_000);

  it("browser build: discovery is a chunk of its own, loaded by the root bundle when used", async () => {
    const dir = new URL("../dist/browser/", import.meta.url);
    const root = readFileSync(new URL("switchboard.js", dir), "utf8");
    assert.ok(root.includes('import("./switchboard-discovery.js")'), "the root imports the chunk on demand");
    assert.ok(
      !root.includes("needs a signaling server: not sent"),
      "the discovery session is not in the root",
    );
    assert.ok(gzipSync(root, { level: 9 }).length <= 30_000, "root bundle <= 30 KB min+gzip");
    const sb = (await import(new URL("switchboard.js", dir).href)) as typeof Sdk;
    const code = roomCode("trkb");
    const make = (name: string) => {
      const c = new sb.SwitchboardClient({
        rtc: nodeRtc(),
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        name,
        meetingCode: code,
        discovery: "tracker",
        trackerUrls: [trackerUrl],
      });
      clients.push(c);
      return c;
    };
    const a = make("a");
    const b = make("b");
    const boxB = inbox(b);
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    await Promise.all([a.discoverPeers(), b.discoverPeers()]);
    await until(
      () => current(a.stores.connections).length === 1 && current(b.stores.connections).length === 1,
      45_000,
      "a and b connected",
    );
    await a.send(b.peerId ?? "", "through the chunk");
    await until(() => boxB.get(a.peerId ?? "")?.includes("through the chunk") === true, 30_000, "b got it");
    // The chunk takes its error class from the root: one SwitchboardError for both.
    await assert.rejects(a.discoverPeers(roomCode("other")), (e) => e instanceof sb.SwitchboardError);
  }, 150_000);

  it("rejects discoverPeers with discovery_unreachable when no tracker answers", async () => {
    const dead = `ws://127.0.0.1:${await freePort()}/announce`;
    const c = makeClient("ws://127.0.0.1:9/unused", { discovery: "tracker", trackerUrls: [dead] });
    clients.push(c);
    await c.initializeNode();
    await assert.rejects(c.discoverPeers(roomCode("dead")), { code: "discovery_unreachable" });
  }, 150_000);

  it("refuses options that cannot work, at construction", () => {
    assert.throws(() => makeClient("ws://x/ws", { discovery: "tracker" }), { code: "invalid_argument" });
    assert.throws(
      () => makeClient("ws://x/ws", { discovery: "tracker", trackerUrls: ["http://t/announce"] }),
      {
        code: "invalid_argument",
      },
    );
  }, 150_000);
});

describe("discovery: 'dht' options", () => {
  it("refuses a malformed bootstrap node at construction", () => {
    assert.throws(() => makeClient("ws://x/ws", { discovery: "dht", dhtBootstrap: ["no-port"] }), {
      code: "invalid_argument",
    });
  });
});
