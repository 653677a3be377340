import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Value } from "@sinclair/typebox/value";
import { SignalData } from "@switchboard/protocol";
import {
  acceptable,
  batchSignals,
  decodeBody,
  decodeEnvelope,
  FRAME_CLOCK_SKEW_MS,
  isSignalData,
  MAX_ENVELOPE_CHARS,
  MAX_SIGNALS_PER_FRAME,
  type FrameBody,
} from "./frame.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const sig = { alg: "ES256", publicKey: "k", signature: "s", nonce: "n".repeat(16) };

/** Valid and invalid signal payloads; the hand-written check must agree with the protocol's schema on each. */
const SAMPLES: unknown[] = [
  { kind: "offer", sdp: "v=0" },
  { kind: "offer", sdp: "v=0", iceRestart: true, signature: sig },
  { kind: "offer", sdp: "" },
  { kind: "offer", sdp: "v=0", extra: 1 },
  { kind: "offer", sdp: "v=0", iceRestart: "yes" },
  { kind: "offer", sdp: "x".repeat(32_769) },
  { kind: "answer", sdp: "v=0", signature: sig },
  { kind: "answer", sdp: "v=0", signature: { ...sig, alg: "RS256" } },
  { kind: "answer", sdp: "v=0", signature: { ...sig, nonce: "short" } },
  { kind: "answer", sdp: "v=0", signature: { ...sig, nonce: "bad nonce with spaces" } },
  { kind: "answer", sdp: "v=0", iceRestart: true },
  { kind: "candidate", candidate: null },
  { kind: "candidate", candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0" } },
  {
    kind: "candidate",
    candidate: { candidate: "", sdpMid: null, sdpMLineIndex: null, usernameFragment: null },
  },
  { kind: "candidate", candidate: { candidate: "c", sdpMLineIndex: 1.5 } },
  { kind: "candidate", candidate: { candidate: "c", sdpMLineIndex: -1 } },
  { kind: "candidate", candidate: { candidate: "c", sdpMLineIndex: 1025 } },
  { kind: "candidate", candidate: { candidate: "c", port: 1 } },
  { kind: "candidate", candidate: { candidate: "x".repeat(1025) } },
  { kind: "candidate" },
  { kind: "ice-restart" },
  { kind: "ice-restart", now: true },
  { kind: "bye" },
  null,
  [],
  "offer",
  42,
];

const body = (f: unknown, ts = 1_000_000): string => JSON.stringify({ f, ts, n: "nonce_1" });

describe("discovery frames (pure)", () => {
  it("checks signals exactly as the protocol's SignalData schema does", () => {
    for (const s of SAMPLES) assert.equal(isSignalData(s), Value.Check(SignalData, s), JSON.stringify(s));
  });

  it("decodes hello, signal, alive and bye bodies", () => {
    const hello = { t: "hello", from: A, key: "AbC-_1", name: "alice", ack: false, joinedAt: 5 };
    assert.deepEqual(decodeBody(body(hello))?.f, hello);
    const signal = { t: "signal", from: A, to: B, data: [{ kind: "offer", sdp: "v=0" }] };
    assert.deepEqual(decodeBody(body(signal))?.f, signal);
    assert.equal(decodeBody(body({ t: "alive", from: A }))?.f.t, "alive");
    assert.equal(decodeBody(body({ t: "bye", from: A }))?.f.t, "bye");
  });

  it("refuses malformed bodies without throwing", () => {
    const bad = [
      "",
      "not json",
      "null",
      "[]",
      JSON.stringify({ f: { t: "bye", from: A }, ts: 1 }),
      JSON.stringify({ f: { t: "bye", from: A }, ts: -1, n: "x" }),
      JSON.stringify({ f: { t: "bye", from: A }, ts: 1, n: "x", extra: 1 }),
      body({ t: "bye", from: "A".repeat(40) }),
      body({ t: "bye", from: A.slice(1) }),
      body({ t: "bye", from: A, to: B }),
      body({ t: "hello", from: A, key: "k", name: "", ack: false, joinedAt: 0 }),
      body({ t: "hello", from: A, key: "k k", name: "n", ack: false, joinedAt: 0 }),
      body({ t: "hello", from: A, key: "k", name: "n".repeat(65), ack: false, joinedAt: 0 }),
      body({ t: "hello", from: A, key: "k", name: "n", ack: "no", joinedAt: 0 }),
      body({ t: "signal", from: A, to: B, data: [] }),
      body({ t: "signal", from: A, to: B, data: [{ kind: "nope" }] }),
      body({
        t: "signal",
        from: A,
        to: B,
        data: Array(MAX_SIGNALS_PER_FRAME + 1).fill({ kind: "ice-restart" }),
      }),
      body({ t: "shout", from: A }),
      "x".repeat(MAX_ENVELOPE_CHARS + 1),
      '{"f":{"t":"bye","from":"' + A + '"},"ts":1,"n":"x","__proto__":{"polluted":1}}',
    ];
    for (const text of bad) assert.equal(decodeBody(text), undefined, text.slice(0, 80));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(decodeEnvelope(JSON.stringify({ b: "{}", s: "sig" }))?.s, "sig");
    assert.equal(decodeEnvelope(JSON.stringify({ b: "{}", s: "not base64!" })), undefined);
    assert.equal(decodeEnvelope(JSON.stringify({ b: 1, s: "s" })), undefined);
  });

  it("accepts fresh frames for this peer only", () => {
    const now = 10_000_000;
    const f = (frame: FrameBody["f"], ts = now): FrameBody => ({ f: frame, ts, n: "n" });
    assert.equal(acceptable(f({ t: "alive", from: A }), B, now), true);
    assert.equal(acceptable(f({ t: "alive", from: B }), B, now), false, "our own frame");
    assert.equal(
      acceptable(f({ t: "signal", from: A, to: B, data: [{ kind: "ice-restart" }] }), B, now),
      true,
    );
    const forC = f({ t: "signal", from: A, to: "c".repeat(40), data: [{ kind: "ice-restart" }] });
    assert.equal(acceptable(forC, B, now), false, "a signal for someone else");
    assert.equal(
      acceptable(f({ t: "alive", from: A }, now - FRAME_CLOCK_SKEW_MS - 1), B, now),
      false,
      "stale",
    );
    assert.equal(
      acceptable(f({ t: "alive", from: A }, now + FRAME_CLOCK_SKEW_MS + 1), B, now),
      false,
      "future",
    );
  });

  it("batches signals under the size budget, in order, and drops one that can never fit", () => {
    const cand = (i: number) => ({
      kind: "candidate" as const,
      candidate: { candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 ${5000 + i} typ host`, sdpMid: "0" },
    });
    const offer = { kind: "offer" as const, sdp: "v=0\r\n" + "a=x\r\n".repeat(700) };
    const huge = { kind: "offer" as const, sdp: "x".repeat(20_000) };
    const input = [offer, ...Array.from({ length: 70 }, (_, i) => cand(i)), huge];
    const { batches, dropped } = batchSignals(input);
    assert.equal(dropped, 1);
    assert.deepEqual(batches.flat(), input.slice(0, -1), "everything else, in order");
    for (const b of batches) {
      assert.ok(b.length <= MAX_SIGNALS_PER_FRAME);
      const envelope = JSON.stringify({
        b: body({ t: "signal", from: A, to: B, data: b }),
        s: "s".repeat(86),
      });
      assert.ok(envelope.length <= MAX_ENVELOPE_CHARS, `envelope of ${envelope.length}`);
    }
  });
});
