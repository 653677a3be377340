/**
 * One swarm scenario run over every transport (HTTP, UDP, WebSocket; IPv4 and, where the machine has it, IPv6):
 * a leecher and a seeder find each other, never themselves, counts follow events, stopped peers disappear.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { skipTest } from "@switchboard/test-support/jest";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { hasIpv6Loopback } from "@switchboard/test-support";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import {
  announceQuery,
  binary,
  httpGet,
  UdpTrackerClient,
  WsTrackerClient,
  type AnnounceParams,
} from "./clients.js";

interface Outcome {
  complete: number;
  incomplete: number;
  /** "ip:port" for HTTP/UDP, the peer id (hex) for WebSocket. */
  peers: string[];
}

interface Driver {
  announce(p: AnnounceParams): Promise<Outcome>;
  scrape(infoHash: Uint8Array): Promise<{ complete: number; incomplete: number; downloaded: number }>;
  close(): void;
}

const compactPeers = (buf: Uint8Array, entry: 6 | 18): string[] => {
  const out: string[] = [];
  const b = Buffer.from(buf);
  for (let i = 0; i + entry <= b.length; i += entry) {
    const ip =
      entry === 6
        ? Array.from(b.subarray(i, i + 4)).join(".")
        : (
            b
              .subarray(i, i + 16)
              .toString("hex")
              .match(/.{4}/g) ?? []
          ).join(":");
    out.push(`${ip}:${b.readUInt16BE(i + entry - 2)}`);
  }
  return out;
};

function httpDriver(t: StartedTracker, host: string): Driver {
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${t.httpPort}`;
  return {
    async announce(p) {
      const r = await httpGet(`${base}/announce?${announceQuery(p)}`);
      assert.equal(r["failure reason"], undefined);
      assert.equal(typeof r.interval, "number");
      assert.equal(typeof r["min interval"], "number");
      const peers = [
        ...compactPeers(r.peers as Uint8Array, 6),
        ...compactPeers((r.peers6 as Uint8Array) ?? new Uint8Array(), 18),
      ];
      return { complete: r.complete as number, incomplete: r.incomplete as number, peers };
    },
    async scrape(h) {
      const r = await httpGet(
        `${base}/scrape?info_hash=${Array.from(h, (x) => `%${x.toString(16).padStart(2, "0")}`).join("")}`,
      );
      const files = r.files as Record<string, { complete: number; incomplete: number; downloaded: number }>;
      const entry = Object.values(files)[0];
      assert.ok(entry);
      return { complete: entry.complete, incomplete: entry.incomplete, downloaded: entry.downloaded };
    },
    close() {},
  };
}

function udpDriver(t: StartedTracker, host: string): Driver {
  const client = new UdpTrackerClient(host, t.udpPort);
  const v6 = host.includes(":");
  return {
    async announce(p) {
      const r = await client.announce(p);
      assert.equal(r.readUInt32BE(0), 1, r.subarray(8).toString());
      return {
        incomplete: r.readUInt32BE(12),
        complete: r.readUInt32BE(16),
        peers: compactPeers(r.subarray(20), v6 ? 18 : 6),
      };
    },
    async scrape(h) {
      const r = await client.scrape([h]);
      assert.equal(r.readUInt32BE(0), 2);
      return { complete: r.readUInt32BE(8), downloaded: r.readUInt32BE(12), incomplete: r.readUInt32BE(16) };
    },
    close: () => client.close(),
  };
}

function wsDriver(t: StartedTracker): Driver {
  const clients = new Map<string, WsTrackerClient>();
  const clientFor = async (peerId: Uint8Array): Promise<WsTrackerClient> => {
    const key = binary(peerId);
    let c = clients.get(key);
    if (!c) {
      c = await new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/announce`).open();
      clients.set(key, c);
    }
    return c;
  };
  return {
    async announce(p) {
      const c = await clientFor(p.peerId);
      const offers = Array.from({ length: 5 }, () => ({
        offer: { type: "offer", sdp: "v=0 fake" },
        offer_id: binary(randomBytes(20)),
      }));
      c.send({
        action: "announce",
        info_hash: binary(p.infoHash),
        peer_id: binary(p.peerId),
        numwant: 5,
        left: p.left ?? 1000,
        event: p.event,
        offers: p.event === "stopped" ? undefined : offers,
      });
      const reply = await c.next();
      assert.equal(reply["failure reason"], undefined);
      const peers: string[] = [];
      for (const [id, other] of clients) {
        if (other === c) continue;
        const m = await other.next(300).catch(() => undefined);
        if (m?.offer !== undefined) {
          assert.equal(m.peer_id, binary(p.peerId));
          peers.push(Buffer.from(id, "latin1").toString("hex"));
        }
      }
      return { complete: reply.complete as number, incomplete: reply.incomplete as number, peers };
    },
    async scrape(h) {
      const c = await new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/`).open();
      c.send({ action: "scrape", info_hash: binary(h) });
      const reply = await c.next();
      c.close();
      const files = reply.files as Record<
        string,
        { complete: number; incomplete: number; downloaded: number }
      >;
      const entry = files[binary(h)];
      assert.ok(entry);
      return entry;
    },
    close() {
      for (const c of clients.values()) c.close();
    },
  };
}

async function runScenario(
  driver: Driver,
  addressOf: (port: number, peerId: Uint8Array) => string,
): Promise<void> {
  const infoHash = randomBytes(20);
  const leecher = { infoHash, peerId: randomBytes(20), port: 6881 };
  const seeder = { infoHash, peerId: randomBytes(20), port: 6882 };

  const first = await driver.announce({ ...leecher, event: "started", left: 500 });
  assert.deepEqual(first.peers, []);
  assert.equal(first.incomplete, 1);

  const second = await driver.announce({ ...seeder, event: "started", left: 0 });
  assert.deepEqual(second.peers, [addressOf(6881, leecher.peerId)]);
  assert.deepEqual([second.complete, second.incomplete], [1, 1]);

  const again = await driver.announce({ ...leecher, left: 500 });
  assert.deepEqual(again.peers, [addressOf(6882, seeder.peerId)], "never itself, always the other");

  const done = await driver.announce({ ...leecher, event: "completed", left: 0 });
  assert.deepEqual([done.complete, done.incomplete], [2, 0]);
  assert.deepEqual(await driver.scrape(infoHash), { complete: 2, incomplete: 0, downloaded: 1 });

  await driver.announce({ ...leecher, event: "stopped", left: 0 });
  const alone = await driver.announce({ ...seeder, left: 0 });
  assert.deepEqual(alone.peers, []);
  assert.deepEqual([alone.complete, alone.incomplete], [1, 0]);
}

describe("one scenario over every transport", () => {
  let v4: StartedTracker;
  let v6: StartedTracker | undefined;
  beforeAll(async () => {
    v4 = await startTracker();
    if (await hasIpv6Loopback()) v6 = await startTracker({ host: "::1" });
  });
  afterAll(async () => {
    await v4.close();
    await v6?.close();
  });

  it("HTTP over IPv4", async () => {
    const d = httpDriver(v4, "127.0.0.1");
    await runScenario(d, (port) => `127.0.0.1:${port}`);
  });

  it("UDP over IPv4", async () => {
    const d = udpDriver(v4, "127.0.0.1");
    await runScenario(d, (port) => `127.0.0.1:${port}`).finally(() => d.close());
  });

  it("WebSocket", async () => {
    const d = wsDriver(v4);
    await runScenario(d, (_port, id) => Buffer.from(id).toString("hex")).finally(() => d.close());
  });

  const v6Address = (port: number): string => `0000:0000:0000:0000:0000:0000:0000:0001:${port}`;
  it("HTTP over IPv6 (peers6)", async () => {
    if (!v6) return skipTest("no IPv6 loopback on this machine");
    await runScenario(httpDriver(v6, "::1"), v6Address);
  });

  it("UDP over IPv6 (18-byte peers)", async () => {
    if (!v6) return skipTest("no IPv6 loopback on this machine");
    const d = udpDriver(v6, "::1");
    await runScenario(d, v6Address).finally(() => d.close());
  });
});
