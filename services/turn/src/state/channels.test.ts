import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { CHANNEL_LIFETIME_MS, CHANNEL_REUSE_GUARD_MS, Channels } from "./channels.js";

const peerA = { address: "8.8.8.8", port: 1000, family: 4 as const };
const peerB = { address: "8.8.4.4", port: 1000, family: 4 as const };

describe("channel bindings", () => {
  it("binds for 600 s; re-binding the same pair refreshes", () => {
    const clock = new ManualClock();
    const c = new Channels(clock, 10);
    assert.equal(c.bind(0x4000, peerA), "ok");
    assert.equal(c.byNumber(0x4000)?.peerKey, "8.8.8.8:1000");
    assert.equal(c.byPeer("8.8.8.8:1000")?.number, 0x4000);
    clock.advance(CHANNEL_LIFETIME_MS - 1);
    assert.equal(c.bind(0x4000, peerA), "ok");
    clock.advance(CHANNEL_LIFETIME_MS - 1);
    assert.ok(c.byNumber(0x4000));
    assert.equal(c.active, 1);
    clock.advance(1);
    assert.equal(c.byNumber(0x4000), undefined);
    assert.equal(c.byPeer("8.8.8.8:1000"), undefined);
    assert.equal(c.active, 0);
  });
  it("refuses conflicting binds, also during the 5-minute guard after expiry", () => {
    const clock = new ManualClock();
    const c = new Channels(clock, 10);
    assert.equal(c.bind(0x4000, peerA), "ok");
    assert.equal(c.bind(0x4000, peerB), "conflict");
    assert.equal(c.bind(0x4001, peerA), "conflict");
    clock.advance(CHANNEL_LIFETIME_MS);
    assert.equal(c.bind(0x4000, peerB), "conflict");
    assert.equal(c.sweep(), 0);
    clock.advance(CHANNEL_REUSE_GUARD_MS);
    assert.equal(c.sweep(), 1);
    assert.equal(c.bind(0x4000, peerB), "ok");
    assert.equal(c.bind(0x4001, peerA), "ok");
  });
  it("re-binding the same pair during the guard revives it", () => {
    const clock = new ManualClock();
    const c = new Channels(clock, 10);
    c.bind(0x4000, peerA);
    clock.advance(CHANNEL_LIFETIME_MS + 1000);
    assert.equal(c.bind(0x4000, peerA), "ok");
    assert.ok(c.byNumber(0x4000));
  });
  it("bounds the number of bindings", () => {
    const c = new Channels(new ManualClock(), 1);
    assert.equal(c.bind(0x4000, peerA), "ok");
    assert.equal(c.bind(0x4001, peerB), "full");
  });
});
