import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { CandidateQueue } from "./candidate-queue.js";
import {
  answerIsDtlsClient,
  collisionResolution,
  decideOnOffer,
  iceSettled,
  isPolite,
  nextRecovery,
  passiveAnswer,
  sdpFingerprint,
} from "./negotiation.js";

describe("perfect negotiation decisions", () => {
  it("gives exactly one side of a pair the polite role", () => {
    assert.equal(isPolite("b", "a"), true);
    assert.equal(isPolite("a", "b"), false);
  });
  it("accepts when stable, ignores (impolite) or rolls back (polite) on a collision", () => {
    const base = { polite: false, makingOffer: false, signalingState: "stable", settingRemoteAnswer: false };
    assert.equal(decideOnOffer(base), "accept");
    assert.equal(decideOnOffer({ ...base, makingOffer: true }), "ignore");
    assert.equal(decideOnOffer({ ...base, signalingState: "have-local-offer" }), "ignore");
    assert.equal(decideOnOffer({ ...base, polite: true, makingOffer: true }), "rollback");
    assert.equal(
      decideOnOffer({ ...base, signalingState: "have-local-offer", settingRemoteAnswer: true }),
      "accept",
    );
  });
  it("resolves a polite collision in place once connected, with a new connection before", () => {
    const live = { connectedOnce: true, canRenegotiate: true };
    // our renegotiation offer is still being created (stable): keep the connection, nothing to roll back
    assert.equal(collisionResolution({ ...live, signalingState: "stable" }), "keep");
    assert.equal(collisionResolution({ ...live, signalingState: "have-local-offer" }), "rollback");
    // the first attempt's glare and stacks that cannot renegotiate take a new connection
    assert.equal(collisionResolution({ ...live, connectedOnce: false, signalingState: "stable" }), "fresh");
    assert.equal(
      collisionResolution({ ...live, canRenegotiate: false, signalingState: "have-local-offer" }),
      "fresh",
    );
  });

  it("makes a first answer DTLS-passive, touching nothing else", () => {
    const sdp = "v=0\r\na=setup:active\r\na=x-setup:active\r\nm=application 9\r\na=setup:active\r\n";
    assert.equal(
      passiveAnswer(sdp),
      "v=0\r\na=setup:passive\r\na=x-setup:active\r\nm=application 9\r\na=setup:passive\r\n",
    );
    assert.equal(passiveAnswer("a=setup:active\n"), "a=setup:passive\n");
    assert.equal(passiveAnswer("a=setup:actpass\r\n"), "a=setup:actpass\r\n");
  });
  it("tells an answer whose side is the DTLS client (setup:active) from a passive one", () => {
    assert.equal(answerIsDtlsClient("v=0\r\nm=application 9\r\na=setup:active\r\n"), true);
    assert.equal(answerIsDtlsClient("v=0\na=setup:active\n"), true);
    assert.equal(answerIsDtlsClient("v=0\r\na=setup:passive\r\n"), false);
    assert.equal(answerIsDtlsClient("v=0\r\na=setup:actpass\r\na=x-setup:active\r\n"), false);
  });
  it("tells when ICE checking is over", () => {
    assert.deepEqual(
      ["new", "checking", "connected", "completed", "failed", "disconnected", "closed"].map(iceSettled),
      [false, false, true, true, true, true, true],
    );
  });
  it("reads the DTLS fingerprint", () => {
    assert.equal(sdpFingerprint("v=0\r\na=fingerprint:sha-256 AB:CD\r\n"), "sha-256 ab:cd");
    assert.equal(sdpFingerprint("v=0\r\n"), undefined);
  });
});

describe("recovery ladder", () => {
  const opts = { canRestartIce: true, relayOnly: false, hasRelay: true };
  it("restarts ICE, then replaces the connection, then goes relay-only, then gives up", () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((a) => nextRecovery(a, opts)),
      ["restart-ice", "recreate", "recreate-relay", "give-up"],
    );
  });
  it("replaces the connection where ICE cannot restart and skips relay when there is none", () => {
    assert.equal(nextRecovery(0, { ...opts, canRestartIce: false }), "recreate");
    assert.equal(nextRecovery(2, { ...opts, hasRelay: false }), "give-up");
    assert.equal(nextRecovery(2, { ...opts, relayOnly: true }), "give-up");
  });
});

describe("early candidate queue", () => {
  it("keeps candidates in order until drained, bounded", () => {
    const q = new CandidateQueue<number>(3);
    for (const n of [1, 2, 3, 4]) q.push(n);
    assert.equal(q.size, 3);
    assert.deepEqual(q.drain(), [2, 3, 4]);
    assert.deepEqual(q.drain(), []);
  });
});
