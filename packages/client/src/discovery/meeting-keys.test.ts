import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { DISCOVERY_NAMESPACE, meetingFrameKey, meetingInfoHash, peerIdOfKey, toHex } from "./meeting-keys.js";

describe("meeting code → info-hash and frame key", () => {
  it("hashes the code under the fixed namespace (SHA-1 of namespace, newline, code)", async () => {
    assert.equal(DISCOVERY_NAMESPACE, "switchboard/meeting/v1");
    // printf 'switchboard/meeting/v1\ndemo-room' | sha1sum
    assert.equal(toHex(await meetingInfoHash("demo-room")), "8c1cfb21ef87d2e050b9a672ae77c69f956816f9");
  });

  it("gives every code its own info-hash (case matters, no torrent collides by construction)", async () => {
    const codes = ["demo-room", "demo-room2", "Demo-room", "abc", "abc_"];
    const hashes = await Promise.all(codes.map(async (c) => toHex(await meetingInfoHash(c))));
    assert.equal(new Set(hashes).size, codes.length);
    assert.ok(hashes.every((h) => h.length === 40));
  });

  it("derives a frame key that opens only what was sealed under the same code", async () => {
    const iv = new Uint8Array(12);
    const data = new TextEncoder().encode("hello");
    const [a, a2, b] = await Promise.all([
      meetingFrameKey("room-a"),
      meetingFrameKey("room-a"),
      meetingFrameKey("room-b"),
    ]);
    const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, a, data);
    const opened = await crypto.subtle.decrypt({ name: "AES-GCM", iv }, a2, sealed);
    assert.equal(new TextDecoder().decode(opened), "hello");
    await assert.rejects(crypto.subtle.decrypt({ name: "AES-GCM", iv }, b, sealed));
  });

  it("derives a 40-hex peer id from a public key", async () => {
    const id = await peerIdOfKey(new TextEncoder().encode("not really a key"));
    assert.match(id, /^[0-9a-f]{40}$/);
    assert.equal(id, await peerIdOfKey(new TextEncoder().encode("not really a key")));
  });
});
