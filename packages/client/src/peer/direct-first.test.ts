import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { directOnly, onDirectEvent } from "./direct-first.js";

const STUN: RTCIceServer = { urls: "stun:203.0.113.1:3478" };
const TURN: RTCIceServer = { urls: "turn:203.0.113.1:3490", username: "u", credential: "c" };

describe("direct first", () => {
  it("makes the first attempt direct-only only when TURN is offered and the link may go direct", () => {
    const o = { directFirstMs: 3000, relayOnly: false, servers: [STUN, TURN] };
    assert.equal(directOnly({ phase: true }, o), true);
    assert.equal(directOnly({ phase: false }, o), false, "after the first attempt: TURN too");
    assert.equal(directOnly({ phase: true }, { ...o, directFirstMs: 0 }), false, "0 turns it off");
    assert.equal(directOnly({ phase: true }, { ...o, relayOnly: true }), false);
    assert.equal(
      directOnly({ phase: true }, { ...o, servers: [STUN] }),
      false,
      "no TURN: nothing to hold back",
    );
  });

  it("the impolite side leaves on the deadline or an ICE failure; the polite side waits for its offer", () => {
    const impolite = { phase: true, polite: false, channelOpen: false };
    assert.equal(onDirectEvent(impolite, "deadline"), "leave");
    assert.equal(onDirectEvent(impolite, "ice-failed"), "leave");
    const polite = { ...impolite, polite: true };
    assert.equal(onDirectEvent(polite, "deadline"), "none");
    assert.equal(onDirectEvent(polite, "ice-failed"), "wait");
  });

  it("does nothing once the channel is open or the phase is over (the recovery ladder takes over)", () => {
    for (const polite of [false, true]) {
      for (const ev of ["deadline", "ice-failed"] as const) {
        assert.equal(onDirectEvent({ phase: true, polite, channelOpen: true }, ev), "none");
        assert.equal(onDirectEvent({ phase: false, polite, channelOpen: false }, ev), "none");
      }
    }
  });
});
