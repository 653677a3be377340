// The SDK with `discovery: "dht"`: two node-datachannel clients meet through a private bittorrent-dht bootstrap node
// on loopback (no signaling, no tracker), then their TCP rendezvous ports take hostile input — garbage of valid
// length, a length over the limit, a frame sealed under another meeting code, a flood of idle connections — and the
// two keep their connection and keep exchanging messages.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import DHT from "bittorrent-dht";
import { freeUdpPort } from "@switchboard/test-support";
import { meetingInfoHash, type Readable, type SwitchboardClient } from "../src/index.js";
import { generateKeyPair } from "../src/crypto/signing.js";
import { fromBase64Url } from "../src/crypto/base64url.js";
import { meetingFrameKey, peerIdOfKey } from "../src/discovery/meeting-keys.js";
import { encodeLengthPrefixed } from "../src/discovery/length-prefix.js";
import { sealFrame } from "../src/discovery/seal.js";
import { inbox, makeClient, roomCode, until } from "./harness.js";

function current<T>(store: Readable<T>): T {
  let value!: T;
  store.subscribe((v) => (value = v))();
  return value;
}

const closed = (s: Socket): Promise<void> =>
  new Promise((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())));

describe("discovery: 'dht' (SDK, private bootstrap node, no signaling or tracker)", () => {
  let bootstrap: DHT;
  let node = "";
  const clients: SwitchboardClient[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const port = await freeUdpPort();
    bootstrap = new DHT({ bootstrap: false, host: false });
    await new Promise<void>((resolve) => bootstrap.listen(port, "127.0.0.1", () => resolve()));
    node = `127.0.0.1:${port}`;
  }, 150_000);

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    await new Promise<void>((r) => bootstrap.destroy(() => r()));
  }, 150_000);

  it("connects, and hostile rendezvous input changes nothing", async () => {
    const code = roomCode("dht");
    const make = (name: string) => {
      const c = makeClient("ws://127.0.0.1:9/unused", {
        name,
        meetingCode: code,
        discovery: "dht",
        dhtBootstrap: [node],
      });
      clients.push(c);
      return c;
    };
    const a = make("a");
    const b = make("b");
    const boxA = inbox(a);
    await Promise.all([a.initializeNode(), b.initializeNode()]);
    await Promise.all([a.discoverPeers(), b.discoverPeers()]);
    await until(
      () => current(a.stores.connections).length === 1 && current(b.stores.connections).length === 1,
      60_000,
      "a and b connected",
    );

    // The rendezvous ports as the DHT gives them to anyone who knows the info-hash.
    const infoHash = await meetingInfoHash(code);
    const ports = new Set<number>();
    bootstrap.on("peer", (p: { port: number }) => ports.add(p.port));
    await until(
      () =>
        new Promise<boolean>((resolve) => {
          bootstrap.lookup(infoHash, () => resolve(ports.size >= 2));
        }),
      30_000,
      "both rendezvous ports in the DHT",
    );
    const dial = (port: number): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const s = connect({ host: "127.0.0.1", port }, () => resolve(s));
        s.on("error", reject);
        sockets.push(s);
      });

    const keys = await generateKeyPair();
    const id = await peerIdOfKey(fromBase64Url(keys.publicKeySpki));
    const foreign = await sealFrame(
      { key: await meetingFrameKey(`${code}-other`), infoHash: new Uint8Array(infoHash) },
      keys,
      { t: "hello", from: id, key: keys.publicKeySpki, name: "mallory", ack: false, joinedAt: 1 },
    );
    for (const port of ports) {
      const junk = await dial(port);
      for (const text of ["garbage", "A".repeat(16_000), foreign])
        junk.write(encodeLengthPrefixed(text) ?? Buffer.alloc(0));
      const huge = await dial(port);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(1 << 30);
      huge.write(header);
      await closed(huge); // a length over the limit closes the stream at once
      const flood = await Promise.allSettled(Array.from({ length: 80 }, () => dial(port)));
      assert.ok(flood.some((r) => r.status === "fulfilled"));
    }
    await new Promise((r) => setTimeout(r, 1000));

    assert.deepEqual(
      current(a.stores.peers).map((p) => p.name),
      ["b"],
      "no one new from the hostile input",
    );
    await b.send(a.peerId ?? "", "still fine");
    await until(() => (boxA.get(b.peerId ?? "")?.length ?? 0) > 0, 20_000, "message a ← b");
    assert.equal(boxA.get(b.peerId ?? "")?.[0], "still fine");
  }, 150_000);
});
