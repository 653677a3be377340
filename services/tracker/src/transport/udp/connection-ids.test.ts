import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { CONNECTION_ID_LIFETIME_MAX_MS, ConnectionIds } from "./connection-ids.js";

describe("UDP connection ids", () => {
  it("are valid for the same address only", () => {
    const clock = new ManualClock(60_000 * 1000);
    const ids = new ConnectionIds(clock);
    const id = ids.issue("10.0.0.1");
    assert.ok(ids.verify(id, "10.0.0.1"));
    assert.ok(!ids.verify(id, "10.0.0.2"));
    clock.advance(119_000);
    assert.ok(ids.verify(id, "10.0.0.1"));
    clock.advance(CONNECTION_ID_LIFETIME_MAX_MS);
    assert.ok(!ids.verify(id, "10.0.0.1"));
  });

  it("are accepted for two full minutes whenever in a window they were issued (BEP 15)", () => {
    for (const offset of [0, 1, 29_999, 30_000, 59_999]) {
      const clock = new ManualClock(60_000 * 1000 + offset);
      const ids = new ConnectionIds(clock);
      const id = ids.issue("10.0.0.1");
      for (let waited = 0; waited <= 120_000; waited += 10_000) {
        assert.ok(ids.verify(id, "10.0.0.1"), `refused ${waited} ms after issue (offset ${offset})`);
        if (waited < 120_000) clock.advance(10_000);
      }
      clock.advance(CONNECTION_ID_LIFETIME_MAX_MS - 120_000 + 1);
      assert.ok(!ids.verify(id, "10.0.0.1"), `still valid past the upper bound (offset ${offset})`);
    }
  });

  it("cannot be forged without the secret", () => {
    const clock = new ManualClock();
    const a = new ConnectionIds(clock);
    const b = new ConnectionIds(clock);
    assert.ok(!a.verify(b.issue("10.0.0.1"), "10.0.0.1"));
    assert.ok(!a.verify(Buffer.alloc(8), "10.0.0.1"));
    assert.ok(!a.verify(Buffer.alloc(4), "10.0.0.1"));
  });

  it("agree between instances given the same secret", () => {
    const clock = new ManualClock();
    const secret = Buffer.from("shared secret of the cluster");
    assert.ok(
      new ConnectionIds(clock, secret).verify(new ConnectionIds(clock, secret).issue("10.0.0.1"), "10.0.0.1"),
    );
  });

  it("check alike as two words (the datagram path) and as bytes", () => {
    const clock = new ManualClock(60_000 * 1000);
    const ids = new ConnectionIds(clock);
    const id = ids.issue("192.0.2.7");
    const [high, low] = [id.readUInt32BE(0), id.readUInt32BE(4)];
    assert.ok(ids.verifyWords(high, low, "192.0.2.7"));
    assert.ok(!ids.verifyWords(high, low ^ 1, "192.0.2.7"));
    assert.ok(!ids.verifyWords(high ^ 0x80000000, low, "192.0.2.7"));
    assert.ok(!ids.verifyWords(high, low, "192.0.2.8"));
    clock.advance(CONNECTION_ID_LIFETIME_MAX_MS);
    assert.ok(!ids.verifyWords(high, low, "192.0.2.7"));
  });

  it("keep their cache bounded and stay valid past it", () => {
    const clock = new ManualClock(60_000 * 1000);
    const ids = new ConnectionIds(clock);
    const first = ids.issue("10.9.0.0");
    const n = ConnectionIds.CACHE_LIMIT + 10;
    for (let i = 1; i < n; i++) ids.issue(`10.9.${i >> 8}.${i & 255}`);
    assert.ok(ids.cached <= ConnectionIds.CACHE_LIMIT);
    // Evicted ids are computed again: the client still gets in.
    assert.ok(ids.verify(first, "10.9.0.0"));
    clock.advance(60_000);
    assert.ok(ids.verify(first, "10.9.0.0"));
  });
});
