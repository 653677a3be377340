import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fromBase64Url, toBase64Url } from "../crypto/base64url.js";
import { generateKeyPair, type SigningKeyPair } from "../crypto/signing.js";
import type { DiscoveryFrame } from "./frame.js";
import { meetingFrameKey, meetingInfoHash, peerIdOfKey } from "./meeting-keys.js";
import { MAX_SEALED_CHARS, openFrame, sealFrame, type SealContext } from "./seal.js";

async function peer(): Promise<{ keys: SigningKeyPair; id: string }> {
  const keys = await generateKeyPair();
  return { keys, id: await peerIdOfKey(fromBase64Url(keys.publicKeySpki)) };
}
async function ctx(code: string): Promise<SealContext> {
  return { key: await meetingFrameKey(code), infoHash: new Uint8Array(await meetingInfoHash(code)) };
}
const hello = (p: { keys: SigningKeyPair; id: string }): DiscoveryFrame => ({
  t: "hello",
  from: p.id,
  key: p.keys.publicKeySpki,
  name: "alice",
  ack: false,
  joinedAt: 1,
});

describe("sealed discovery frames (ES256 + AES-256-GCM under the meeting code)", () => {
  it("round-trips a hello (giving the sender's key) and then a signal verified with that key", async () => {
    const [alice, bob, room] = await Promise.all([peer(), peer(), ctx("room-1")]);
    const opened = await openFrame(
      room,
      await sealFrame(room, alice.keys, hello(alice)),
      bob.id,
      () => undefined,
    );
    assert.equal(opened?.body.f.t, "hello");
    assert.ok(opened?.key);
    const signal: DiscoveryFrame = {
      t: "signal",
      from: alice.id,
      to: bob.id,
      data: [{ kind: "ice-restart" }],
    };
    const sealed = await sealFrame(room, alice.keys, signal);
    assert.deepEqual((await openFrame(room, sealed, bob.id, () => opened?.key))?.body.f, signal);
    assert.equal(await openFrame(room, sealed, bob.id, () => undefined), undefined, "sender key unknown");
  });

  it("isolates meetings: a frame sealed under another code does not open", async () => {
    const [alice, bob, a, b] = await Promise.all([peer(), peer(), ctx("room-a"), ctx("room-b")]);
    const sealed = await sealFrame(a, alice.keys, hello(alice));
    assert.equal(await openFrame(b, sealed, bob.id, () => undefined), undefined);
    // Same key, another info-hash as additional data: refused too.
    assert.equal(await openFrame({ ...a, infoHash: b.infoHash }, sealed, bob.id, () => undefined), undefined);
  });

  it("refuses a hello whose id is not the hash of its key, and frames signed by another key", async () => {
    const [alice, bob, mallory, room] = await Promise.all([peer(), peer(), peer(), ctx("room-1")]);
    const spoof = { ...hello(mallory), from: alice.id }; // Mallory claims Alice's id with her own key
    assert.equal(
      await openFrame(room, await sealFrame(room, mallory.keys, spoof), bob.id, () => undefined),
      undefined,
    );
    const stolenKey = { ...hello(mallory), from: alice.id, key: alice.keys.publicKeySpki }; // signature will not verify
    assert.equal(
      await openFrame(room, await sealFrame(room, mallory.keys, stolenKey), bob.id, () => undefined),
      undefined,
    );
    const aliceKey = (
      await openFrame(room, await sealFrame(room, alice.keys, hello(alice)), bob.id, () => undefined)
    )?.key;
    const forged: DiscoveryFrame = { t: "bye", from: alice.id };
    assert.equal(
      await openFrame(room, await sealFrame(room, mallory.keys, forged), bob.id, () => aliceKey),
      undefined,
    );
  });

  it("drops tampered, truncated, stale, oversized and garbage input without throwing", async () => {
    const [alice, bob, room] = await Promise.all([peer(), peer(), ctx("room-1")]);
    const sealed = await sealFrame(room, alice.keys, hello(alice));
    const raw = fromBase64Url(sealed);
    raw[20] = (raw[20] ?? 0) ^ 1;
    const none = () => undefined;
    for (const text of [
      toBase64Url(raw),
      sealed.slice(0, -4),
      "",
      "!!!!",
      "A".repeat(100),
      "A".repeat(MAX_SEALED_CHARS + 1),
      await sealFrame(room, alice.keys, hello(alice), Date.now() - 10 * 60_000),
    ])
      assert.equal(await openFrame(room, text, bob.id, none), undefined);
    assert.equal(await openFrame(room, sealed, alice.id, none), undefined, "our own frame echoed back");
  });

  it("refuses to seal a frame over the size limit", async () => {
    const [alice, room] = await Promise.all([peer(), ctx("room-1")]);
    const big: DiscoveryFrame = {
      t: "signal",
      from: alice.id,
      to: alice.id,
      data: [{ kind: "offer", sdp: "x".repeat(12_000) }],
    };
    await assert.rejects(sealFrame(room, alice.keys, big), RangeError);
  });
});
