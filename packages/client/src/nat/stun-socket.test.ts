import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { retransmitSchedule } from "./stun-socket.js";

describe("retransmitSchedule (RFC 8489 §6.2.1)", () => {
  it("doubles the interval and waits Rm × RTO after the last request", () => {
    assert.deepEqual(retransmitSchedule(), { sends: [0, 250, 750, 1750], giveUpAt: 2750 });
    // The RFC's own example: RTO 500 ms, Rc 7, Rm 16 → 0, 500, 1500, …, 31500; give up at 39500.
    assert.deepEqual(retransmitSchedule({ rtoMs: 500, requests: 7, lastWaitFactor: 16 }), {
      sends: [0, 500, 1500, 3500, 7500, 15500, 31500],
      giveUpAt: 39500,
    });
    assert.deepEqual(retransmitSchedule({ rtoMs: 100, requests: 0 }), { sends: [0], giveUpAt: 400 });
  });
});
