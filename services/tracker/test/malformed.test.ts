/**
 * Malformed input on every transport: each refusal is a failure reply (or silence for undecodable UDP), and the
 * tracker keeps serving a good client afterwards.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { announceQuery, binary, failureOf, httpGet, UdpTrackerClient, WsTrackerClient } from "./clients.js";

describe("malformed input", () => {
  let t: StartedTracker;
  const infoHash = randomBytes(20);
  beforeAll(async () => {
    t = await startTracker({ wsMaxPayload: 4096 });
  });
  afterAll(() => t.close());

  const stillServes = async (): Promise<void> => {
    const r = await httpGet(
      `${t.url}/announce?${announceQuery({ infoHash, peerId: randomBytes(20), port: 7000 })}`,
    );
    assert.equal(failureOf(r), undefined);
    const health = await fetch(`${t.url}/health`);
    assert.equal(health.status, 200);
  };

  describe("HTTP", () => {
    const good = (): string => announceQuery({ infoHash, peerId: randomBytes(20), port: 6881 });
    const cases: Array<[string, string, RegExp]> = [
      ["no parameters", "", /info_hash/],
      ["short info_hash", good().replace(/info_hash=[^&]+/, "info_hash=%01%02"), /info_hash/],
      ["two info_hash", `${good()}&info_hash=${"%01".repeat(20)}`, /info_hash/],
      ["broken escape", good().replace("info_hash=%", "info_hash=%zz"), /parameter/],
      ["no peer_id", good().replace(/peer_id=[^&]+&/, ""), /peer_id/],
      ["no port", good().replace(/port=\d+&/, ""), /port/],
      ["port too big", good().replace(/port=\d+/, "port=70000"), /parameter/],
      ["port zero", good().replace(/port=\d+/, "port=0"), /port/],
      ["negative left", good().replace(/left=\d+/, "left=-5"), /parameter/],
      ["huge number", good().replace(/left=\d+/, "left=99999999999999999999"), /parameter/],
      ["bad event", `${good()}&event=exploded`, /event/],
      ["bad numwant", `${good()}&numwant=lots`, /parameter/],
    ];
    for (const [name, query, reason] of cases) {
      it(`refuses ${name} with a failure reason`, async () => {
        const r = await httpGet(`${t.url}/announce?${query}`);
        assert.match(failureOf(r) ?? "", reason);
      });
    }

    it("refuses scrape-all (not configured) and scrapes over the cap", async () => {
      assert.match(failureOf(await httpGet(`${t.url}/scrape`)) ?? "", /disabled/);
      const many = Array.from({ length: 101 }, () => `info_hash=${"%01".repeat(20)}`).join("&");
      assert.match(failureOf(await httpGet(`${t.url}/scrape?${many}`)) ?? "", /too many/);
    });

    it("answers other methods and huge URLs without crashing", async () => {
      assert.equal((await fetch(`${t.url}/announce`, { method: "POST" })).status, 405);
      assert.ok([414, 431].includes((await fetch(`${t.url}/announce?${"a=b&".repeat(20_000)}`)).status));
      assert.equal((await fetch(`${t.url}/nothing`)).status, 404);
    });

    it("survives a garbage request line", async () => {
      await new Promise<void>((resolve) => {
        const s = connect(t.httpPort, "127.0.0.1", () => s.end("\x00\x01 garbage\r\n\r\n"));
        s.on("close", () => resolve());
        s.on("error", () => resolve());
        s.resume();
      });
      await stillServes();
    });
  });

  describe("UDP", () => {
    let c: UdpTrackerClient;
    beforeAll(() => {
      c = new UdpTrackerClient("127.0.0.1", t.udpPort);
    });
    afterAll(() => c.close());

    for (const [name, packet] of [
      ["empty", Buffer.alloc(0)],
      ["short", Buffer.alloc(15)],
      ["connect with wrong magic", Buffer.concat([Buffer.alloc(8, 7), Buffer.alloc(8)])],
      [
        "connect with trailing bytes",
        Buffer.concat([Buffer.from("0000041727101980", "hex"), Buffer.alloc(12)]),
      ],
      ["oversized", Buffer.alloc(4000, 1)],
      ["unknown action", Buffer.concat([Buffer.alloc(8), Buffer.from([0, 0, 0, 9]), Buffer.alloc(4)])],
      ["short announce", Buffer.concat([Buffer.alloc(8), Buffer.from([0, 0, 0, 1]), Buffer.alloc(40)])],
      [
        "scrape with a partial hash",
        Buffer.concat([Buffer.alloc(8), Buffer.from([0, 0, 0, 2]), Buffer.alloc(4 + 30)]),
      ],
    ] as const) {
      it(`drops ${name} datagrams without a reply`, () => c.expectNoReply(packet));
    }

    it("answers a forged connection id with an error", async () => {
      const packet = UdpTrackerClient.announcePacket(randomBytes(8), {
        infoHash,
        peerId: randomBytes(20),
        port: 1,
      });
      const r = await c.request(packet);
      assert.equal(r.readUInt32BE(0), 3);
      assert.match(r.subarray(8).toString(), /connection id/);
    });

    it("answers a bad announce (port 0, bad event) with an error or silence", async () => {
      const cid = await c.connect();
      const r = await c.request(
        UdpTrackerClient.announcePacket(cid, { infoHash, peerId: randomBytes(20), port: 0 }),
      );
      assert.equal(r.readUInt32BE(0), 3);
      const badEvent = UdpTrackerClient.announcePacket(cid, { infoHash, peerId: randomBytes(20), port: 1 });
      badEvent.writeUInt32BE(77, 80);
      await c.expectNoReply(badEvent);
    });

    it("still serves a good UDP announce", async () => {
      const r = await c.announce({ infoHash, peerId: randomBytes(20), port: 6000 });
      assert.equal(r.readUInt32BE(0), 1);
      await stillServes();
    });
  });

  describe("WebSocket", () => {
    const id = binary(randomBytes(20));
    const bad: Array<[string, unknown]> = [
      ["not JSON", "{oops"],
      ["JSON null", "null"],
      ["an array", "[]"],
      ["no action", { info_hash: id }],
      ["unknown action", { action: "explode" }],
      ["short info_hash", { action: "announce", info_hash: "abc", peer_id: id }],
      ["non-byte characters", { action: "announce", info_hash: "\u4e2d".repeat(20), peer_id: id }],
      ["numbers as ids", { action: "announce", info_hash: 5, peer_id: 6 }],
      ["offers: [null]", { action: "announce", info_hash: id, peer_id: id, offers: [null] }],
      ["offers: null", { action: "announce", info_hash: id, peer_id: id, offers: null }],
      [
        "offer without sdp",
        { action: "announce", info_hash: id, peer_id: id, offers: [{ offer_id: id, offer: {} }] },
      ],
      ["offers as object", { action: "announce", info_hash: id, peer_id: id, offers: { length: 3 } }],
      [
        "answer of wrong type",
        { action: "announce", info_hash: id, peer_id: id, answer: "x", to_peer_id: id, offer_id: id },
      ],
      ["numwant as string", { action: "announce", info_hash: id, peer_id: id, numwant: "10" }],
      ["scrape of numbers", { action: "scrape", info_hash: [1, 2] }],
      ["__proto__ pollution", JSON.parse(`{"action":"announce","__proto__":{"x":1},"info_hash":5}`)],
    ];
    for (const [name, msg] of bad) {
      it(`answers ${name} with a failure and keeps the connection`, async () => {
        const c = await new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/`).open();
        try {
          c.send(msg);
          const reply = await c.next();
          assert.equal(typeof reply["failure reason"], "string");
          c.send({
            action: "announce",
            info_hash: binary(infoHash),
            peer_id: binary(randomBytes(20)),
            numwant: 0,
          });
          const ok = await c.next();
          assert.equal(ok["failure reason"], undefined);
          assert.equal(typeof ok.interval, "number");
        } finally {
          c.close();
        }
      });
    }

    it("caps offers per announce and closes oversized frames", async () => {
      const swarm = randomBytes(20);
      const listeners = await Promise.all(
        Array.from({ length: 12 }, () => new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/`).open()),
      );
      const offerer = await new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/`).open();
      try {
        for (const l of listeners) {
          l.send({
            action: "announce",
            info_hash: binary(swarm),
            peer_id: binary(randomBytes(20)),
            numwant: 0,
          });
          await l.next();
        }
        const offers = Array.from({ length: 20 }, () => ({
          offer: { type: "offer", sdp: "x" },
          offer_id: binary(randomBytes(20)),
        }));
        offerer.send({
          action: "announce",
          info_hash: binary(swarm),
          peer_id: binary(randomBytes(20)),
          numwant: 20,
          offers,
        });
        await offerer.next();
        let relayed = 0;
        for (const l of listeners) if ((await l.next(300).catch(() => undefined))?.offer) relayed++;
        assert.equal(relayed, 10);
        offerer.send("x".repeat(5000));
        await new Promise((r) => offerer.socket.once("close", r));
      } finally {
        for (const l of listeners) l.close();
        offerer.close();
      }
      await stillServes();
    });
  });
});
