// The tracker's sources are compiled here through the "source" condition; its ambient bencode types must come along.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module file cannot be imported
/// <reference path="../../services/tracker/src/types/bencode.d.ts" />
/**
 * bittorrent-tracker's own client (what WebTorrent uses) against our tracker over HTTP, UDP and WebSocket: two
 * clients on one info-hash find each other (over WebSocket through relayed offers and answers, ending in an open
 * WebRTC data channel), a scrape counts them, and a client on another info-hash finds no one.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import Client, { type TrackerResponse, type WebRtcPeer } from "bittorrent-tracker";
import { createLogger } from "@switchboard/runtime";
import { createTrackerServer, trackerConfigFrom, type TrackerServer } from "@switchboard/tracker";

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface TestClient {
  readonly client: Client;
  readonly port: number;
  readonly updates: TrackerResponse[];
  readonly peers: Array<string | WebRtcPeer>;
  readonly warnings: string[];
  /** Resolves with the next value of `event`. */
  next<T>(event: "update" | "scrape" | "peer", what: string): Promise<T>;
}

const clients: Client[] = [];
/** WebRTC peers handed out by the clients: theirs to close, not the client's. */
const rtcPeers: WebRtcPeer[] = [];

function makeClient(announce: string, infoHash: string, port: number): TestClient {
  const client = new Client({
    infoHash,
    peerId: randomBytes(20).toString("hex"),
    announce: [announce],
    port,
    // no STUN servers: the WebRTC peers gather loopback/host candidates only (no traffic off the machine)
    rtcConfig: { iceServers: [] },
    getAnnounceOpts: () => ({ uploaded: 0, downloaded: 0, left: 1000 }),
  });
  clients.push(client);
  const t: TestClient = {
    client,
    port,
    updates: [],
    peers: [],
    warnings: [],
    next: <T>(event: "update" | "scrape" | "peer", what: string) =>
      within(new Promise<T>((resolve) => client.once(event, resolve)), 60_000, what),
  };
  client.on("update", (d) => t.updates.push(d));
  client.on("peer", (p) => {
    t.peers.push(p);
    if (typeof p !== "string") rtcPeers.push(p);
  });
  client.on("warning", (e) => t.warnings.push(e.message));
  client.on("error", (e) => t.warnings.push(`error: ${e.message}`));
  return t;
}

// Over WebSocket each announce first gathers 5 WebRTC offers; with the node-datachannel polyfill simple-peer sees
// gathering end only at its 5 s iceCompleteTimeout, so every WebSocket announce takes about 5 s.
describe("bittorrent-tracker's client against our tracker", () => {
  let server: TrackerServer;
  let httpPort = 0;
  let udpPort = 0;
  beforeAll(async () => {
    const config = trackerConfigFrom({ host: "127.0.0.1", port: 0, udpPort: 0, rateLimit: 0 });
    server = createTrackerServer(config, {
      logger: createLogger({ name: "tracker-interop", level: "silent" }),
    });
    const addresses = await server.listen();
    httpPort = addresses.http.port;
    udpPort = addresses.udp?.port ?? 0;
  }, 150_000);
  afterAll(async () => {
    for (const p of rtcPeers.splice(0)) p.destroy();
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
  }, 150_000);

  for (const transport of ["http", "udp"] as const) {
    it(`over ${transport.toUpperCase()}: two clients find each other, scrape counts them, another info-hash finds no one`, async () => {
      const url =
        transport === "http"
          ? `http://127.0.0.1:${httpPort}/announce`
          : `udp://127.0.0.1:${udpPort}/announce`;
      const infoHash = randomBytes(20).toString("hex");
      const a = makeClient(url, infoHash, 16881);
      const b = makeClient(url, infoHash, 16882);
      const first = a.next<TrackerResponse>("update", "a's announce");
      a.client.start();
      assert.equal((await first).incomplete, 1);
      const bPeer = b.next<string>("peer", "b finds a");
      const bUpdate = b.next<TrackerResponse>("update", "b's announce");
      b.client.start();
      assert.equal(await bPeer, `127.0.0.1:${a.port}`);
      assert.equal((await bUpdate).incomplete, 2);
      // a's next announce brings b
      const aPeer = a.next<string>("peer", "a finds b");
      a.client.update();
      assert.equal(await aPeer, `127.0.0.1:${b.port}`);

      const scrape = b.next<TrackerResponse>("scrape", "scrape");
      b.client.scrape();
      const s = await scrape;
      assert.equal(s.complete, 0);
      assert.equal(s.incomplete, 2);

      const other = makeClient(url, randomBytes(20).toString("hex"), 16883);
      const alone = other.next<TrackerResponse>("update", "other announce");
      other.client.start();
      assert.equal((await alone).incomplete, 1, "only itself in the other swarm");
      assert.deepEqual(other.peers, []);
      assert.deepEqual([...a.warnings, ...b.warnings, ...other.warnings], []);
    }, 150_000);
  }

  it("over WebSocket: offers and answers relayed by our tracker open a WebRTC data channel", async () => {
    const url = `ws://127.0.0.1:${httpPort}/announce`;
    const infoHash = randomBytes(20).toString("hex");
    const a = makeClient(url, infoHash, 16884);
    const b = makeClient(url, infoHash, 16885);
    const first = a.next<TrackerResponse>("update", "a's announce");
    a.client.start();
    assert.equal((await first).incomplete, 1);
    const aPeer = a.next<WebRtcPeer>("peer", "a gets b's offer");
    const bPeer = b.next<WebRtcPeer>("peer", "b gets a's answer");
    b.client.start();
    const [pa, pb] = await Promise.all([aPeer, bPeer]);
    assert.equal(typeof pa, "object");
    const received = within(
      new Promise<string>((resolve) =>
        pa.once("data", (d: Uint8Array) => resolve(Buffer.from(d).toString())),
      ),
      60_000,
      "data over the WebRTC channel",
    );
    const send = (): void => pb.send("hello through our tracker");
    if ((pb as WebRtcPeer & { connected?: boolean }).connected === true) send();
    else pb.once("connect", send);
    assert.equal(await received, "hello through our tracker");

    const scrape = b.next<TrackerResponse>("scrape", "scrape");
    b.client.scrape();
    assert.equal((await scrape).incomplete, 2);

    const other = makeClient(url, randomBytes(20).toString("hex"), 16886);
    const alone = other.next<TrackerResponse>("update", "other announce");
    other.client.start();
    assert.equal((await alone).incomplete, 1, "only itself in the other swarm");
    assert.deepEqual(other.peers, []);
  }, 150_000);
});
