import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { jsonReplacer } from "../output.js";
import { describeEvent, eventFields } from "./describe.js";
import { describeFailure, isFatal } from "./failure.js";

const plain = (_s: string, t: string): string => t;
const names = new Map([["p1", "bob"]]);

test("human lines name the peer, the method and the timings", () => {
  assert.equal(
    describeEvent("peerDiscovered", { peerId: "p1", name: "bob" }, names, plain),
    "+ peer found: bob (p1)",
  );
  assert.equal(
    describeEvent(
      "connectionEstablished",
      { peerId: "p1", method: "relay", rttMs: 1.4, setupMs: 230.2 },
      names,
      plain,
    ),
    "= connected to bob (p1) via relay (rtt 1 ms, setup 230 ms)",
  );
  assert.equal(describeEvent("message", { peerId: "p1", data: "hi" }, names, plain), "bob: hi");
  assert.equal(
    describeEvent("message", { peerId: "p9", data: new Uint8Array(3) }, names, plain),
    "p9: <3 bytes>",
  );
  assert.equal(
    describeEvent("peerLeft", { peerId: "p1", reason: "left" }, names, plain),
    "- bob (p1) left the meeting (left)",
  );
  assert.equal(
    describeEvent("error", Object.assign(new Error("ICE failed"), { code: "timeout" }), names, plain),
    "! ICE failed (timeout)",
  );
  assert.equal(
    describeEvent(
      "joined",
      { roomId: "demo", self: { peerId: "me1", name: "alice" }, peers: [{}] },
      names,
      plain,
    ),
    'joined meeting "demo" as alice (me1): 1 other peer here',
  );
  assert.equal(
    describeEvent("kicked", { roomId: "demo", by: "p1" }, names, plain),
    "! removed from the meeting by bob",
  );
  assert.equal(describeEvent("signalingState", { state: "open" }, names, plain), null);
});

test("JSON fields: payload objects spread, errors as code and message, bytes as base64", () => {
  assert.deepEqual(eventFields({ peerId: "p1", method: "host" }), { peerId: "p1", method: "host" });
  assert.deepEqual(eventFields("open"), { value: "open" });
  assert.deepEqual(eventFields(Object.assign(new Error("x"), { code: "room_full" })), {
    code: "room_full",
    message: "x",
  });
  const line = JSON.stringify(
    { event: "message", ...eventFields({ peerId: "p1", data: new Uint8Array([1, 2]) }) },
    jsonReplacer,
  );
  assert.equal(line, '{"event":"message","peerId":"p1","data":{"base64":"AQI="}}');
});

test("failures a person understands, fatal or not by code", () => {
  const ctx = { signalingUrl: "ws://127.0.0.1:1/ws", meetingCode: "demo" };
  const err = (code: string) => Object.assign(new Error("raw"), { code });
  assert.match(
    describeFailure(err("signaling_unreachable"), ctx),
    /cannot reach signaling at ws:\/\/127\.0\.0\.1:1\/ws/,
  );
  assert.match(describeFailure(err("room_not_found"), ctx), /meeting "demo" not found/);
  assert.match(describeFailure(err("room_full"), ctx), /is full/);
  assert.match(describeFailure(err("room_locked"), ctx), /locked/);
  assert.match(describeFailure(err("meeting_ended"), ctx), /has ended/);
  assert.match(describeFailure(err("turn_unavailable"), ctx), /TURN is needed/);
  assert.equal(describeFailure(new Error("line one\n  line two"), ctx), "line one line two");
  assert.equal(describeFailure(err("something_new"), ctx), "raw (something_new)");
  for (const code of ["signaling_unreachable", "room_full", "meeting_ended", "turn_unavailable"])
    assert.ok(isFatal(code));
  for (const code of ["timeout", "signature_invalid", undefined]) assert.ok(!isFatal(code));
});
