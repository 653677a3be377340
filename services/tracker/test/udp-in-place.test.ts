/**
 * The UDP announce path with either datagram backend (the native one builds replies in place in its send queue):
 * replies in a burst with refusals and errors among them, the longest lists, IPv6, and a list too long for the
 * in-place room.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { hasIpv6Loopback } from "@switchboard/test-support";
import { skipTest } from "@switchboard/test-support/jest";
import { nativeBackendStatus } from "@switchboard/datagram";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { UdpTrackerClient, withDeadline, type AnnounceParams } from "./clients.js";

/** A BEP 15 client that sends bursts and collects the replies by transaction id. */
class BurstClient {
  readonly #socket: Socket;
  readonly #replies = new Map<number, Buffer>();
  #cid: Buffer = Buffer.alloc(8);
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.#socket = createSocket({ type: host.includes(":") ? "udp6" : "udp4", recvBufferSize: 1 << 20 });
    this.#socket.on("message", (msg: Buffer) => {
      if (msg.length >= 8) this.#replies.set(msg.readUInt32BE(4), msg);
    });
  }

  async connect(): Promise<void> {
    const b = Buffer.alloc(16);
    b.writeBigUInt64BE(0x41727101980n, 0);
    b.writeUInt32BE(randomBytes(4).readUInt32BE(0), 12);
    const [reply] = await this.burst([b]);
    this.#cid = Buffer.from(reply?.subarray(8, 16) ?? []);
  }

  packet(p: AnnounceParams, cid: Uint8Array = this.#cid): Buffer {
    return UdpTrackerClient.announcePacket(cid, p);
  }

  /** Sends every packet at once (they reach the server together, mostly in one batch); → replies in order. */
  async burst(packets: Buffer[]): Promise<Buffer[]> {
    const ids = packets.map((b) => b.readUInt32BE(12));
    for (const b of packets) this.#socket.send(b, this.port, this.host);
    const all = async (): Promise<Buffer[]> => {
      while (!ids.every((id) => this.#replies.has(id))) await new Promise((r) => setTimeout(r, 5));
      return ids.map((id) => this.#replies.get(id) ?? Buffer.alloc(0));
    };
    return withDeadline(all(), 5000, "udp replies");
  }

  async announce(p: AnnounceParams): Promise<Buffer> {
    const [reply] = await this.burst([this.packet(p)]);
    return reply ?? Buffer.alloc(0);
  }

  async close(): Promise<void> {
    this.#socket.close();
    await once(this.#socket, "close");
  }
}

interface Announced {
  action: number;
  interval: number;
  leechers: number;
  seeders: number;
  /** Compact peers as hex, one per entry. */
  peers: string[];
  error: string;
}

function parse(reply: Buffer, width: 6 | 18): Announced {
  const action = reply.readUInt32BE(0);
  if (action === 3)
    return { action, interval: 0, leechers: 0, seeders: 0, peers: [], error: reply.toString("utf8", 8) };
  const body = reply.subarray(20);
  assert.equal(body.length % width, 0, `a whole number of ${width}-byte peers`);
  return {
    action,
    interval: reply.readUInt32BE(8),
    leechers: reply.readUInt32BE(12),
    seeders: reply.readUInt32BE(16),
    peers: Array.from({ length: body.length / width }, (_, i) =>
      body.subarray(i * width, (i + 1) * width).toString("hex"),
    ),
    error: "",
  };
}

const portHex = (port: number): string => port.toString(16).padStart(4, "0");

for (const udpIo of ["native", "dgram"] as const) {
  describe(`UDP announces, ${udpIo} backend`, () => {
    let t: StartedTracker | undefined;
    let client: BurstClient | undefined;
    beforeAll(async () => {
      if (udpIo === "native" && !nativeBackendStatus().available) return;
      t = await startTracker({ udpIo, numwantMax: 1000, interval: 1234 });
      client = new BurstClient("127.0.0.1", t.udpPort);
      await client.connect();
    }, 20_000);
    afterAll(async () => {
      await client?.close();
      await t?.close();
    });

    it("answers an error and a refusal in the middle of a burst, and the good announces around them", async () => {
      if (t === undefined || client === undefined) return skipTest("the native backend is not built here");
      const infoHash = randomBytes(20);
      const ids = Array.from({ length: 4 }, () => randomBytes(20));
      const replies = await client.burst([
        client.packet({ infoHash, peerId: ids[0] ?? randomBytes(20), port: 7001, numwant: 50 }),
        client.packet({ infoHash, peerId: ids[1] ?? randomBytes(20), port: 7002 }, Buffer.alloc(8, 0xab)),
        client.packet({ infoHash, peerId: ids[2] ?? randomBytes(20), port: 7003, numwant: 50 }),
        client.packet({ infoHash, peerId: ids[3] ?? randomBytes(20), port: 0, numwant: 50 }),
        client.packet({ infoHash, peerId: ids[0] ?? randomBytes(20), port: 7001, numwant: 50, left: 0 }),
      ]);
      const [first, forged, second, portZero, again] = replies.map((r) => parse(r, 6));
      assert.deepEqual(first, { action: 1, interval: 1234, leechers: 1, seeders: 0, peers: [], error: "" });
      assert.equal(forged?.action, 3);
      assert.match(forged?.error ?? "", /connection id/);
      assert.deepEqual(second?.peers, [`7f000001${portHex(7001)}`]);
      assert.equal(second?.leechers, 2);
      assert.equal(portZero?.action, 3);
      assert.match(portZero?.error ?? "", /port/);
      assert.deepEqual(again?.peers, [`7f000001${portHex(7003)}`], "the refused peer was not listed");
      assert.deepEqual([again?.seeders, again?.leechers], [1, 1]);
    });

    it("lists up to numwant peers of a large swarm, each once, in bursts of 64", async () => {
      if (t === undefined || client === undefined) return skipTest("the native backend is not built here");
      const infoHash = randomBytes(20);
      const packets = Array.from({ length: 1001 }, (_, i) =>
        client?.packet({ infoHash, peerId: randomBytes(20), port: 10_000 + i, numwant: 1000 }),
      ).filter((b) => b !== undefined);
      const replies: Buffer[] = [];
      for (let i = 0; i < packets.length; i += 64)
        replies.push(...(await client.burst(packets.slice(i, i + 64))));
      replies.forEach((r, i) => {
        const a = parse(r, 6);
        assert.equal(a.action, 1, `reply ${i}`);
        assert.equal(a.peers.length, i, `reply ${i} lists every earlier peer`);
        assert.equal(new Set(a.peers).size, i);
        assert.ok(!a.peers.includes(`7f000001${portHex(10_000 + i)}`), "never the announcing peer");
      });
      const last = parse(replies.at(-1) ?? Buffer.alloc(0), 6);
      assert.equal(last.peers.length, 1000);
      assert.equal(last.leechers, 1001);
    }, 30_000);

    it("answers IPv6 announces, with a list longer than the in-place room sent whole", async () => {
      if (t === undefined) return skipTest("the native backend is not built here");
      if (!(await hasIpv6Loopback())) return skipTest("no IPv6 loopback here");
      const t6 = await startTracker({ udpIo, numwantMax: 1000, host: "::1" });
      const c6 = new BurstClient("::1", t6.udpPort);
      try {
        await c6.connect();
        const infoHash = randomBytes(20);
        const n = 501; // 500 IPv6 peers are 9,020 bytes of reply: above the 8,192-byte in-place room
        const packets = Array.from({ length: n }, (_, i) =>
          c6.packet({ infoHash, peerId: randomBytes(20), port: 20_000 + i, numwant: 1000 }),
        );
        const replies: Buffer[] = [];
        for (let i = 0; i < n; i += 64) replies.push(...(await c6.burst(packets.slice(i, i + 64))));
        const loop6 = "00000000000000000000000000000001";
        replies.forEach((r, i) => {
          const a = parse(r, 18);
          assert.equal(a.action, 1, `reply ${i}`);
          assert.equal(a.peers.length, i);
          assert.equal(new Set(a.peers).size, i);
          assert.ok(a.peers.every((p) => p.startsWith(loop6)));
        });
        assert.equal(replies.at(-1)?.length, 20 + 500 * 18);
      } finally {
        await c6.close();
        await t6.close();
      }
    }, 30_000);
  });
}
