/** Allow/deny lists (reload), passkeys in the path (HTTP, UDP BEP 41, WebSocket), rate limits, `key`. */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { announceQuery, binary, failureOf, httpGet, UdpTrackerClient, WsTrackerClient } from "./clients.js";

const dir = mkdtempSync(join(tmpdir(), "tracker-access-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("allow list with reload", () => {
  const listed = randomBytes(20);
  const other = randomBytes(20);
  const file = join(dir, "allow.txt");
  let t: StartedTracker;
  beforeAll(async () => {
    writeFileSync(file, `# allowed\n${listed.toString("hex")} some.iso\n`);
    t = await startTracker({ allowlist: file });
  });
  afterAll(() => t.close());

  const announce = (h: Buffer): Promise<Record<string, unknown>> =>
    httpGet(`${t.url}/announce?${announceQuery({ infoHash: h, peerId: randomBytes(20), port: 1 })}`);

  it("serves listed torrents only, on every transport", async () => {
    assert.equal(failureOf(await announce(listed)), undefined);
    assert.equal(failureOf(await announce(other)), "torrent not allowed");
    const udp = new UdpTrackerClient("127.0.0.1", t.udpPort);
    const r = await udp
      .announce({ infoHash: other, peerId: randomBytes(20), port: 1 })
      .finally(() => udp.close());
    assert.equal(r.readUInt32BE(0), 3);
    assert.equal(r.subarray(8).toString(), "torrent not allowed");
  });

  it("picks up a changed file on reload, and keeps the old rules when the file is broken", async () => {
    writeFileSync(file, `${other.toString("hex")}\n`);
    await t.server.reloadAccess();
    assert.equal(failureOf(await announce(other)), undefined);
    assert.equal(failureOf(await announce(listed)), "torrent not allowed");
    writeFileSync(file, "garbage\n");
    await assert.rejects(t.server.reloadAccess(), /line/);
    assert.equal(failureOf(await announce(other)), undefined);
  });
});

describe("deny list", () => {
  it("refuses listed torrents", async () => {
    const bad = randomBytes(20);
    const file = join(dir, "deny.txt");
    writeFileSync(file, `${bad.toString("hex")}\n`);
    const t = await startTracker({ denylist: file });
    try {
      const q = (h: Buffer): string => announceQuery({ infoHash: h, peerId: randomBytes(20), port: 1 });
      assert.equal(failureOf(await httpGet(`${t.url}/announce?${q(bad)}`)), "torrent not allowed");
      assert.equal(failureOf(await httpGet(`${t.url}/announce?${q(randomBytes(20))}`)), undefined);
    } finally {
      await t.close();
    }
  });
});

describe("passkeys", () => {
  let t: StartedTracker;
  const h = randomBytes(20);
  beforeAll(async () => {
    t = await startTracker({ passkeys: ["goodpasskey1"], scrapeAll: true });
  });
  afterAll(() => t.close());
  const q = (): string => announceQuery({ infoHash: h, peerId: randomBytes(20), port: 1 });

  it("HTTP: /<passkey>/announce and /<passkey>/scrape", async () => {
    assert.equal(failureOf(await httpGet(`${t.url}/announce?${q()}`)), "passkey required");
    assert.equal(failureOf(await httpGet(`${t.url}/wrongpasskey/announce?${q()}`)), "invalid passkey");
    assert.equal(failureOf(await httpGet(`${t.url}/goodpasskey1/announce?${q()}`)), undefined);
    assert.equal(failureOf(await httpGet(`${t.url}/scrape`)), "passkey required");
    const all = await httpGet(`${t.url}/goodpasskey1/scrape`);
    assert.equal(Object.keys(all.files as object).length, 1);
  });

  it("UDP: passkey in BEP 41 URL data", async () => {
    const c = new UdpTrackerClient("127.0.0.1", t.udpPort);
    try {
      const p = { infoHash: h, peerId: randomBytes(20), port: 2 };
      const without = await c.announce(p);
      assert.equal(without.subarray(8).toString(), "passkey required");
      const path = Buffer.from("/goodpasskey1/announce");
      const packet = Buffer.concat([
        UdpTrackerClient.announcePacket(await c.connect(), p),
        Buffer.from([2, path.length]),
        path,
        Buffer.from([0]),
      ]);
      const r = await c.request(packet);
      assert.equal(r.readUInt32BE(0), 1);
    } finally {
      c.close();
    }
  });

  it("UDP: scrape carries the passkey in BEP 41 URL data and is always answered", async () => {
    const c = new UdpTrackerClient("127.0.0.1", t.udpPort);
    try {
      const scrape = async (path: string | undefined): Promise<Buffer> => {
        const b = Buffer.alloc(36);
        b.set(await c.connect(), 0);
        b.writeUInt32BE(2, 8);
        randomBytes(4).copy(b, 12);
        b.set(h, 16);
        if (path === undefined) return c.request(b);
        const url = Buffer.from(path);
        return c.request(Buffer.concat([b, Buffer.from([2, url.length]), url, Buffer.from([0])]));
      };
      const without = await scrape(undefined);
      assert.equal(without.readUInt32BE(0), 3);
      assert.equal(without.subarray(8).toString(), "passkey required");
      const wrong = await scrape("/wrongpasskey/scrape");
      assert.equal(wrong.subarray(8).toString(), "invalid passkey");
      const ok = await scrape("/goodpasskey1/scrape");
      assert.equal(ok.readUInt32BE(0), 2);
      assert.equal(ok.length, 8 + 12);
      assert.ok(ok.readUInt32BE(8) + ok.readUInt32BE(16) >= 1, "the announced peers are counted");
    } finally {
      c.close();
    }
  });

  it("WebSocket: passkey as the first path segment", async () => {
    const c = await new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/goodpasskey1/announce`).open();
    const d = await new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/announce`).open();
    try {
      const msg = { action: "announce", info_hash: binary(h), peer_id: binary(randomBytes(20)), numwant: 0 };
      c.send(msg);
      assert.equal((await c.next())["failure reason"], undefined);
      d.send(msg);
      assert.equal((await d.next())["failure reason"], "passkey required");
    } finally {
      c.close();
      d.close();
    }
  });
});

describe("rate limits and key", () => {
  it("refuses announces over the per-address rate", async () => {
    const t = await startTracker({ rateLimit: 1, rateBurst: 3 });
    try {
      const q = (): string => announceQuery({ infoHash: randomBytes(20), peerId: randomBytes(20), port: 1 });
      const reasons = [];
      for (let i = 0; i < 5; i++) reasons.push(failureOf(await httpGet(`${t.url}/announce?${q()}`)));
      assert.deepEqual(reasons.slice(0, 3), [undefined, undefined, undefined]);
      assert.match(reasons[4] ?? "", /slow down/);
    } finally {
      await t.close();
    }
  });

  it("a peer moving to a new address keeps its slot only with the same key", async () => {
    const t = await startTracker();
    try {
      const h = randomBytes(20);
      const peerId = randomBytes(20);
      const from = (local: string, key: string): Promise<Record<string, unknown>> =>
        httpGet(
          `http://127.0.0.1:${t.httpPort}/announce?${announceQuery({ infoHash: h, peerId, port: 5, key })}`,
          local,
        );
      assert.equal(failureOf(await from("127.0.0.1", "abcd1234")), undefined);
      assert.match(failureOf(await from("127.0.0.2", "ffff0000")) ?? "", /another key/);
      const moved = await from("127.0.0.2", "abcd1234");
      assert.equal(failureOf(moved), undefined);
      assert.equal(moved.incomplete, 1);
      const other = await httpGet(
        `${t.url}/announce?${announceQuery({ infoHash: h, peerId: randomBytes(20), port: 6 })}`,
      );
      assert.deepEqual(Buffer.from(other.peers as Uint8Array), Buffer.from([127, 0, 0, 2, 0, 5]));
    } finally {
      await t.close();
    }
  });

  it("a keyless peer cannot be stopped or moved from another address (HTTP)", async () => {
    const t = await startTracker();
    try {
      const h = randomBytes(20);
      const peerId = randomBytes(20);
      const from = (local: string, port: number, event?: "stopped"): Promise<Record<string, unknown>> =>
        httpGet(
          `http://127.0.0.1:${t.httpPort}/announce?${announceQuery({ infoHash: h, peerId, port, event })}`,
          local,
        );
      assert.equal(failureOf(await from("127.0.0.1", 5)), undefined);
      assert.equal(failureOf(await from("127.0.0.3", 7, "stopped")), undefined);
      const other = await httpGet(
        `${t.url}/announce?${announceQuery({ infoHash: h, peerId: randomBytes(20), port: 6 })}`,
      );
      assert.deepEqual(Buffer.from(other.peers as Uint8Array), Buffer.from([127, 0, 0, 1, 0, 5]));
    } finally {
      await t.close();
    }
  });

  it("non-compact replies carry binary peer ids", async () => {
    const t = await startTracker();
    try {
      const h = randomBytes(20);
      const id = Buffer.from("ff00e9c3288025263d2b" + "80".repeat(10), "hex");
      await httpGet(`${t.url}/announce?${announceQuery({ infoHash: h, peerId: id, port: 9 })}`);
      const r = await httpGet(
        `${t.url}/announce?${announceQuery({ infoHash: h, peerId: randomBytes(20), port: 8, compact: 0 })}`,
      );
      const peers = r.peers as Array<Record<string, unknown>>;
      assert.equal(peers.length, 1);
      assert.deepEqual(Buffer.from(peers[0]?.["peer id"] as Uint8Array), id);
      assert.equal(Buffer.from(peers[0]?.ip as Uint8Array).toString(), "127.0.0.1");
      assert.equal(peers[0]?.port, 9);
    } finally {
      await t.close();
    }
  });
});

describe("behind a trusted proxy", () => {
  it("lists the X-Forwarded-For address from trusted proxies only", async () => {
    const trusting = await startTracker({ trustedProxies: ["127.0.0.0/8"] });
    const plain = await startTracker();
    try {
      for (const [t, expected] of [
        [trusting, [203, 0, 113, 7]],
        [plain, [127, 0, 0, 1]],
      ] as const) {
        const h = randomBytes(20);
        const q = (port: number): string => announceQuery({ infoHash: h, peerId: randomBytes(20), port });
        const first = await fetch(`${t.url}/announce?${q(4000)}`, {
          headers: { "x-forwarded-for": "198.51.100.1, 203.0.113.7" },
        });
        assert.equal(first.status, 200);
        await first.arrayBuffer();
        const r = await httpGet(`${t.url}/announce?${q(4001)}`);
        assert.deepEqual(Buffer.from(r.peers as Uint8Array), Buffer.from([...expected, 0x0f, 0xa0]));
      }
    } finally {
      await trusting.close();
      await plain.close();
    }
  });
});
