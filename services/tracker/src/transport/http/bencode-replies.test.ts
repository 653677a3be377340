import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import bencode from "bencode";
import type { AnnounceResult } from "@switchboard/protocol";
import { encodeAnnounceReply, encodeFailure, encodeScrapeReply } from "./bencode-replies.js";

const result = (n4: number, n6: number): AnnounceResult => ({
  complete: randomInt(1_000_000),
  incomplete: randomInt(1_000_000),
  downloaded: randomInt(1_000_000),
  interval: randomInt(1, 10_000),
  minInterval: randomInt(1, 100),
  peers: {
    compact4: randomBytes(n4 * 6),
    compact6: randomBytes(n6 * 18),
    ids4: randomBytes(n4 * 20),
    ids6: randomBytes(n6 * 20),
    wsPeerIds: new Uint8Array(0),
  },
});

describe("bencoded replies", () => {
  it("writes the compact announce byte for byte as the bencode package does", () => {
    for (let i = 0; i < 200; i++) {
      const r = result(randomInt(60), randomInt(3) === 0 ? randomInt(1, 20) : 0);
      const reference: Record<string, unknown> = {
        complete: r.complete,
        incomplete: r.incomplete,
        downloaded: r.downloaded,
        interval: r.interval,
        "min interval": r.minInterval,
        peers: r.peers.compact4,
      };
      if (r.peers.compact6.length > 0) reference.peers6 = r.peers.compact6;
      assert.deepEqual(Buffer.from(encodeAnnounceReply(r, true)), Buffer.from(bencode.encode(reference)));
    }
  });

  it("lists dictionaries with binary peer ids when not compact", () => {
    const r = result(2, 1);
    const decoded = bencode.decode(encodeAnnounceReply(r, false)) as {
      peers: Array<Record<string, unknown>>;
    };
    assert.equal(decoded.peers.length, 3);
    assert.deepEqual(
      Buffer.from(decoded.peers[0]?.["peer id"] as Uint8Array),
      Buffer.from(r.peers.ids4?.subarray(0, 20) ?? []),
    );
  });

  it("keys scrape files by raw info-hash bytes and writes failures", () => {
    const h = Buffer.from("ff00e9c3288025263d2b" + "80".repeat(10), "hex");
    const out = Buffer.from(
      encodeScrapeReply({ files: [{ infoHash: h, counts: { complete: 1, incomplete: 2, downloaded: 3 } }] }),
    );
    assert.ok(out.includes(Buffer.concat([Buffer.from("20:"), h])));
    assert.equal(Buffer.from(encodeFailure("no")).toString(), "d14:failure reason2:noe");
  });
});
