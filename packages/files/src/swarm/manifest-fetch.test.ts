import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createChannelPair } from "../memory-channel.js";
import { decodeFrame } from "../wire/codec.js";
import type { Frame } from "../wire/frames.js";
import { ManifestFetch, MANIFEST_TIMEOUT_MS } from "./manifest-fetch.js";
import { PeerLink } from "./peer-link.js";

const root = new Uint8Array(32).fill(9);

/** A real link to a peer whose side records the frames it gets. */
function peer(id: string): { link: PeerLink; banned: boolean; got: Frame[] } {
  const [theirs, ours] = createChannelPair(id, "me"); // ours.peerId is the peer's id
  const got: Frame[] = [];
  theirs.onmessage = (b) => got.push(decodeFrame(b as Uint8Array));
  const link = new PeerLink(ours, { onFrame: () => undefined, onClose: () => undefined });
  return { link, banned: false, got };
}

const until = async (check: () => boolean): Promise<void> => {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("ManifestFetch", () => {
  it("asks one peer at a time, takes chunks in order, refuses chunks out of order", async () => {
    const got: { id: string; bytes: Uint8Array }[] = [];
    const f = new ManifestFetch(root, (id, bytes) => got.push({ id, bytes }));
    const a = peer("a");
    const b = peer("b");
    f.next([a, b]);
    f.next([a, b]); // a fetch is under way: no second request
    await until(() => a.got.length === 1);
    assert.equal(a.got[0].type, "manifest-request");
    assert.equal(b.got.length, 0);
    const data = Uint8Array.from({ length: 10 }, (_, i) => i);
    f.onChunk("b", { type: "manifest-reply", root, total: 10, offset: 0, data }); // not asked: ignored
    f.onChunk("a", { type: "manifest-reply", root, total: 10, offset: 0, data: data.subarray(0, 4) });
    assert.throws(
      () => f.onChunk("a", { type: "manifest-reply", root, total: 10, offset: 6, data: data.subarray(6) }),
      { code: "frame_malformed" },
    );
    f.onChunk("a", { type: "manifest-reply", root, total: 10, offset: 4, data: data.subarray(4) });
    assert.deepEqual(got, [{ id: "a", bytes: data }]);
  });

  it("moves on after a refusal and after a stall; starts over once everyone was tried", async () => {
    const f = new ManifestFetch(root, () => undefined);
    const a = peer("a");
    const b = peer("b");
    const banned = { ...peer("c"), banned: true };
    f.next([banned, a, b]);
    await until(() => a.got.length === 1);
    assert.equal(banned.got.length, 0, "a banned peer is never asked");
    assert.equal(f.abandon("b"), false, "b was not asked");
    assert.equal(f.abandon("a"), true); // a refused
    f.next([banned, a, b]);
    await until(() => b.got.length === 1);
    f.tick(Date.now() + MANIFEST_TIMEOUT_MS + 1, [banned, a, b]); // b stalls: nobody untried is left
    f.next([banned, a, b]);
    await until(() => a.got.length === 2);
    f.finish();
    f.next([banned, a, b]);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(a.got.length + b.got.length, 3, "nothing is asked once the manifest is known");
  });
});
