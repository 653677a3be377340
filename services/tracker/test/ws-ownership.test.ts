/** A WebSocket peer id belongs to the connection that announced it while that connection lives. */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { binary, WsTrackerClient } from "./clients.js";

describe("WebSocket peer id ownership", () => {
  let t: StartedTracker;
  beforeAll(async () => {
    t = await startTracker();
  });
  afterAll(() => t.close());
  const open = (): Promise<WsTrackerClient> =>
    new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/announce`).open();

  it("another connection cannot take over, answer for, or stop a live peer id", async () => {
    const h = binary(randomBytes(20));
    const owned = binary(randomBytes(20));
    const owner = await open();
    const thief = await open();
    const offerer = await open();
    try {
      owner.send({ action: "announce", info_hash: h, peer_id: owned, numwant: 0, left: 0 });
      assert.equal((await owner.next())["failure reason"], undefined);

      thief.send({ action: "announce", info_hash: h, peer_id: owned, numwant: 0 });
      assert.match(String((await thief.next())["failure reason"]), /in use by another connection/);
      thief.send({ action: "announce", info_hash: h, peer_id: owned, event: "stopped" });
      assert.match(String((await thief.next())["failure reason"]), /in use by another connection/);

      // An offer for the swarm still reaches the owner, never the thief.
      const offererId = binary(randomBytes(20));
      offerer.send({
        action: "announce",
        info_hash: h,
        peer_id: offererId,
        numwant: 1,
        offers: [{ offer_id: binary(randomBytes(20)), offer: { type: "offer", sdp: "v=0" } }],
      });
      const reply = await offerer.next();
      assert.deepEqual([reply.complete, reply.incomplete], [1, 1]);
      const relayed = await owner.next();
      assert.equal(relayed.peer_id, offererId);
      assert.ok(relayed.offer);

      // An answer sent under the owner's id by the thief is refused, not relayed.
      thief.send({
        action: "announce",
        info_hash: h,
        peer_id: owned,
        to_peer_id: offererId,
        offer_id: relayed.offer_id,
        answer: { type: "answer", sdp: "v=0" },
      });
      assert.match(String((await thief.next())["failure reason"]), /in use by another connection/);
      await assert.rejects(offerer.next(300), /no websocket message/);

      // Once the owner's connection is gone, the id is free again.
      owner.close();
      const deadline = Date.now() + 5000;
      for (;;) {
        thief.send({ action: "announce", info_hash: h, peer_id: owned, numwant: 0 });
        const r = await thief.next();
        if (r["failure reason"] === undefined) break;
        assert.ok(Date.now() < deadline, "id not freed after the owner left");
        await new Promise((res) => setTimeout(res, 50));
      }
    } finally {
      owner.close();
      thief.close();
      offerer.close();
    }
  });
});
