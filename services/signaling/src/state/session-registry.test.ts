import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import type { ServerMessage } from "@switchboard/protocol";
import { ANONYMOUS } from "../auth/identity.js";
import { FrameRun, SerializedFrame, type Outbound } from "./outbound.js";
import { SessionRegistry } from "./session-registry.js";

const pong = (ts: number): ServerMessage => ({ v: 1, type: "pong", ts });

describe("SessionRegistry", () => {
  it("delivers to the sink while connected and buffers while cut off", () => {
    const clock = new ManualClock();
    const reg = new SessionRegistry({ clock, graceMs: 10_000, bufferSize: 3 });
    const got: Outbound[] = [];
    const s = reg.create(ANONYMOUS, (m) => (got.push(m), true));
    assert.ok(reg.deliver(s.id, pong(1)));
    assert.equal(got.length, 1);
    reg.detach(s.id);
    assert.equal(reg.detached, 1);
    reg.deliver(s.id, pong(2));
    reg.deliver(s.id, pong(3));
    clock.advance(9_000);
    const again: Outbound[] = [];
    const r = reg.resume(s.id, s.resumeToken, (m) => (again.push(m), true));
    assert.deepEqual(r?.missed, [pong(2), pong(3)]);
    assert.equal(reg.detached, 0);
    reg.deliver(s.id, pong(4));
    assert.deepEqual(again, [pong(4)]);
  });

  it("keeps frames relayed from another instance as they came, for the sink or a resume", () => {
    const reg = new SessionRegistry({ clock: new ManualClock(), graceMs: 1000, bufferSize: 3 });
    const got: Outbound[] = [];
    const s = reg.create(ANONYMOUS, (m) => (got.push(m), true));
    const first = new SerializedFrame("pong", '{"v":1,"type":"pong","ts":1}');
    reg.deliver(s.id, first);
    assert.equal(got[0], first);
    reg.detach(s.id);
    const second = SerializedFrame.of(pong(2));
    reg.deliver(s.id, second);
    assert.equal(second.payload, JSON.stringify(pong(2)));
    assert.deepEqual(reg.resume(s.id, s.resumeToken, () => true)?.missed, [second]);
  });

  it("sends a run of relayed frames at once, and keeps it frame by frame for a resume", () => {
    const reg = new SessionRegistry({ clock: new ManualClock(), graceMs: 1000, bufferSize: 3 });
    const got: Outbound[] = [];
    const s = reg.create(ANONYMOUS, (m) => (got.push(m), true));
    const payloads = [JSON.stringify(pong(1)), "x".repeat(300), JSON.stringify(pong(3))];
    const run = FrameRun.of(
      "pong",
      payloads.map((p) => Buffer.from(p)),
    );
    reg.deliver(s.id, run);
    assert.deepEqual(got, [run]);
    assert.equal(run.count, 3);
    // The wire holds each frame as its own would be: header (2 or 4 bytes) then payload.
    const alone = Buffer.concat(payloads.map((p) => new SerializedFrame("pong", p).wire));
    assert.deepEqual(run.wire, alone);
    reg.detach(s.id);
    reg.deliver(s.id, run);
    const texts = s.buffer.map((m) => (m instanceof SerializedFrame ? String(m.payload) : ""));
    assert.deepEqual(texts, payloads);
    reg.deliver(s.id, run);
    assert.equal(s.overflowed, true, "a run counts as its frames against the buffer");
  });

  it("buffers when the sink refuses (socket closing)", () => {
    const reg = new SessionRegistry({ clock: new ManualClock(), graceMs: 1000, bufferSize: 3 });
    const s = reg.create(ANONYMOUS, () => false);
    reg.deliver(s.id, pong(1));
    assert.deepEqual(s.buffer, [pong(1)]);
  });

  it("refuses wrong tokens, live sessions, overflowed buffers and expired grace", () => {
    const clock = new ManualClock();
    const reg = new SessionRegistry({ clock, graceMs: 1000, bufferSize: 2 });
    const sink = () => true;
    const s = reg.create(ANONYMOUS, sink);
    assert.equal(reg.resume(s.id, s.resumeToken, sink)?.tookOver, true, "a live session is taken over");
    reg.detach(s.id);
    assert.equal(reg.resume(s.id, "nope", sink), undefined);
    assert.equal(reg.resume("unknown", s.resumeToken, sink), undefined);
    for (let i = 0; i < 3; i++) reg.deliver(s.id, pong(i));
    assert.equal(s.overflowed, true);
    assert.equal(reg.resume(s.id, s.resumeToken, sink), undefined);
    const t = reg.create(ANONYMOUS, sink);
    reg.detach(t.id);
    clock.advance(1001);
    assert.equal(reg.resume(t.id, t.resumeToken, sink), undefined);
    assert.deepEqual(
      reg
        .takeExpired()
        .map((x) => x.id)
        .sort(),
      [s.id, t.id].sort(),
    );
    assert.equal(reg.size, 0);
  });
});
