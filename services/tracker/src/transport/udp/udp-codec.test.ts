import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  decodeUdpRequest,
  encodeAnnounceReply,
  encodeErrorReply,
  encodeScrapeReply,
  newUdpAnnounce,
  readUdpAnnounce,
  writeAnnounceReply,
} from "./udp-codec.js";

const connect = Buffer.from("0000041727101980" + "00000000" + "01020304", "hex");

function announce(extra: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(98);
  b.fill(7, 0, 8);
  b.writeUInt32BE(1, 8);
  b.writeUInt32BE(0xabcdef01, 12);
  b.fill(0xaa, 16, 36);
  b.fill(0xbb, 36, 56);
  b.writeBigUInt64BE(10n, 56);
  b.writeBigUInt64BE(20n, 64);
  b.writeBigUInt64BE(30n, 72);
  b.writeUInt32BE(2, 80);
  b.writeUInt32BE(0x1234, 88);
  b.writeInt32BE(-1, 92);
  b.writeUInt16BE(6881, 96);
  return Buffer.concat([b, extra]);
}

describe("BEP 15 codec", () => {
  it("decodes connect", () => {
    assert.deepEqual(decodeUdpRequest(connect), { action: "connect", transactionId: 0x01020304 });
  });

  it("decodes announce fields", () => {
    const r = decodeUdpRequest(announce());
    assert.ok(r?.action === "announce");
    assert.equal(r.transactionId, 0xabcdef01);
    assert.deepEqual([r.connectionIdHigh, r.connectionIdLow], [0x07070707, 0x07070707]);
    assert.deepEqual([r.downloaded, r.left, r.uploaded], [10, 20, 30]);
    assert.equal(r.event, "started");
    assert.equal(r.key, 0x1234);
    assert.equal(r.numwant, -1);
    assert.equal(r.port, 6881);
    assert.equal(r.urlData, "");
  });

  it("reads BEP 41 URL data split over options", () => {
    const opts = Buffer.concat([
      Buffer.from([2, 5]),
      Buffer.from("/abcd"),
      Buffer.from([1, 2, 13]),
      Buffer.from("efgh/announce"),
      Buffer.from([0]),
    ]);
    const r = decodeUdpRequest(announce(opts));
    assert.ok(r?.action === "announce");
    assert.equal(r.urlData, "/abcdefgh/announce");
    assert.equal(decodeUdpRequest(announce(Buffer.from([2, 50, 1]))), undefined);
  });

  it("decodes scrape of several hashes and refuses partial ones", () => {
    const b = Buffer.concat([Buffer.alloc(8), Buffer.from([0, 0, 0, 2, 0, 0, 0, 1]), Buffer.alloc(60, 3)]);
    const r = decodeUdpRequest(b);
    assert.ok(r?.action === "scrape");
    assert.equal(r.infoHashes.length, 3);
    assert.equal(decodeUdpRequest(b.subarray(0, 50)), undefined);
  });

  it("decodes scrape followed by BEP 41 URL data, short or long", () => {
    const head = Buffer.concat([Buffer.alloc(8), Buffer.from([0, 0, 0, 2, 0, 0, 0, 1])]);
    for (const path of [
      "/pk/scrape",
      "/goodpasskey1/scrape",
      "/a-rather-long-passkey-of-forty-chars-xx/scrape",
    ]) {
      for (const n of [1, 2, 74]) {
        const url = Buffer.from(path);
        const hashes = Buffer.alloc(n * 20, 0x41);
        const b = Buffer.concat([head, hashes, Buffer.from([2, url.length]), url, Buffer.from([0])]);
        const r = decodeUdpRequest(b);
        assert.ok(r?.action === "scrape", `${path} after ${n} hashes`);
        assert.equal(r.infoHashes.length, n);
        assert.equal(r.urlData, path);
        // Without the end-of-options byte too.
        const r2 = decodeUdpRequest(b.subarray(0, b.length - 1));
        assert.ok(r2?.action === "scrape");
        assert.equal(r2.urlData, path);
      }
    }
    const plain = decodeUdpRequest(Buffer.concat([head, Buffer.alloc(40, 7)]));
    assert.ok(plain?.action === "scrape");
    assert.equal(plain.urlData, "");
  });

  it("encodes replies", () => {
    const a = encodeAnnounceReply({
      transactionId: 5,
      interval: 60,
      leechers: 2,
      seeders: 3,
      peers: Buffer.alloc(6, 1),
    });
    assert.equal(
      a.toString("hex"),
      "00000001" + "00000005" + "0000003c" + "00000002" + "00000003" + "010101010101",
    );
    const s = encodeScrapeReply(9, [{ complete: 1, downloaded: 2, incomplete: 3 }]);
    assert.equal(s.toString("hex"), "00000002" + "00000009" + "00000001" + "00000002" + "00000003");
    assert.equal(encodeErrorReply(1, "no").toString("hex"), "00000003" + "00000001" + "6e6f");
  });

  it("writes an announce reply into a buffer: peers copied after the header, too long is -1", () => {
    const header = "00000001" + "ffffffff" + "0000003c" + "00000002" + "00000003";
    const fields = { transactionId: 0xffffffff, interval: 60, leechers: 2, seeders: 3 };
    const into = Buffer.alloc(40, 0xaa);
    into.fill(7, 20, 32);
    assert.equal(writeAnnounceReply(into, { ...fields, peers: into.subarray(20, 32) }), 32);
    assert.equal(into.subarray(0, 32).toString("hex"), header + "07".repeat(12));
    assert.equal(writeAnnounceReply(into, { ...fields, peers: Buffer.alloc(6, 1) }), 26);
    assert.equal(into.subarray(0, 26).toString("hex"), header + "01".repeat(6));
    assert.equal(writeAnnounceReply(into, { ...fields, peers: Buffer.alloc(21) }), -1);
    assert.equal(writeAnnounceReply(into, { ...fields, leechers: 2 ** 40, peers: new Uint8Array(0) }), 20);
    assert.equal(into.readUInt32BE(12), 0xffffffff, "counts above 32 bits are capped");
  });

  it("reads an announce into a reused object: info-hash and peer id copied out of the datagram", () => {
    // At an offset inside a larger buffer, as the receive arena hands datagrams out.
    const view = Buffer.alloc(98 + 8).subarray(8);
    view.writeUInt32BE(1, 8);
    view.writeUInt32BE(0xdeadbeef, 12);
    view.fill(0x33, 16, 36);
    view.fill(0x44, 36, 56);
    view.writeInt32BE(-1, 92);
    view.writeUInt16BE(6881, 96);
    const req = newUdpAnnounce();
    const infoHash = req.infoHash;
    assert.ok(readUdpAnnounce(view.subarray(0, 98), req));
    assert.equal(req.transactionId, 0xdeadbeef);
    assert.equal(req.numwant, -1);
    assert.equal(req.port, 6881);
    assert.equal(req.urlData, "");
    assert.deepEqual([...req.infoHash], Array<number>(20).fill(0x33));
    assert.deepEqual([...req.peerId], Array<number>(20).fill(0x44));
    view[16] = 0x55;
    assert.equal(req.infoHash[0], 0x33, "a copy: the receive memory may be reused at once");
    assert.equal(req.infoHash, infoHash, "the object's own array, reused");
    view.writeUInt32BE(9, 80);
    assert.equal(readUdpAnnounce(view.subarray(0, 98), req), false, "unknown event");
    view.writeUInt32BE(0, 80);
    assert.equal(readUdpAnnounce(view.subarray(0, 97), req), false, "short");
    view.writeUInt32BE(2, 8);
    assert.equal(readUdpAnnounce(view.subarray(0, 98), req), false, "not an announce");
  });
});
