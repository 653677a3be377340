import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { ConnectionIds } from "./connection-ids.js";

describe("UDP connection ids", () => {
  it("are valid for the same address for one to two minutes", () => {
    const clock = new ManualClock(60_000 * 1000);
    const ids = new ConnectionIds(clock);
    const id = ids.issue("10.0.0.1");
    assert.ok(ids.verify(id, "10.0.0.1"));
    assert.ok(!ids.verify(id, "10.0.0.2"));
    clock.advance(119_000);
    assert.ok(ids.verify(id, "10.0.0.1"));
    clock.advance(2_000);
    assert.ok(!ids.verify(id, "10.0.0.1"));
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
});
