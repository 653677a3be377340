import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { SignalingError } from "../errors.js";
import { PendingReceipts } from "./receipts.js";

const codeOf = (p: Promise<void>) =>
  p.then(
    () => "ack",
    (err: unknown) => (err instanceof SignalingError ? err.code : "other"),
  );

describe("pending receipts", () => {
  it("acks on a delivered receipt, answers unknown_peer when the peer was gone, unavailable on failure", async () => {
    const r = new PendingReceipts();
    const a = r.expect("room-a");
    const b = r.expect("room-b");
    const c = r.expect("room-c");
    assert.notEqual(a.id, b.id);
    r.settle(a.id, "delivered");
    r.settle(b.id, "gone");
    r.fail(c.id, new SignalingError("unavailable", "not published"));
    r.settle(c.id, "delivered"); // too late: already answered
    assert.deepEqual(await Promise.all([a.done, b.done, c.done].map(codeOf)), [
      "ack",
      "unknown_peer",
      "unavailable",
    ]);
    const gone = await b.done.catch((err: unknown) => err as SignalingError);
    assert.equal(gone?.roomId, "room-b");
    assert.equal(r.size, 0);
  });

  it("answers unavailable when no receipt comes in time, in order, and ignores receipts that come later", async () => {
    const r = new PendingReceipts(Date.now, 60);
    const first = r.expect("x");
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = r.expect("x");
    const third = r.expect("x");
    r.settle(third.id, "delivered");
    const started = Date.now();
    assert.equal(await codeOf(first.done), "unavailable");
    assert.equal(await codeOf(third.done), "ack");
    assert.equal(await codeOf(second.done), "unavailable");
    assert.ok(Date.now() - started >= 20, "the second waited for its own deadline");
    r.settle(second.id, "delivered");
    assert.equal(r.size, 0);
  });
});
