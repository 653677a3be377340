import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { ErrorCode } from "@switchboard/protocol";
import { TestClient, createMeeting, startServer, type TestServer } from "./helpers.js";

describe("error codes and fuzzed frames", () => {
  let srv: TestServer;
  const clients: TestClient[] = [];
  const open = async (hello = true) => {
    const c = hello ? await TestClient.session(srv.ws) : await TestClient.connect(srv.ws);
    clients.push(c);
    return c;
  };
  const seen = new Set<ErrorCode>();
  const expectCode = (m: { code: ErrorCode }, code: ErrorCode) => {
    assert.equal(m.code, code);
    seen.add(code);
  };
  beforeAll(async () => {
    srv = await startServer({
      SIGNALING_MAX_FRAME_BYTES: "2048",
      SIGNALING_RATE_LIMIT: "20",
      SIGNALING_RATE_BURST: "40",
      SIGNALING_MAX_ROOMS: "2",
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  it("answers protocol errors with codes and request ids", async () => {
    const c = await open(false);
    expectCode(await c.expectError({ v: 1, type: "join", roomId: "abc" }), "hello_required");
    await c.request({ v: 1, type: "hello" });
    expectCode(await c.expectError({ v: 1, type: "hello" }), "hello_required");
    expectCode(await c.expectError({ v: 7, type: "ping" } as never), "unsupported_version");
    expectCode(await c.expectError({ v: 1, type: "teleport" } as never), "invalid_message");
    expectCode(await c.expectError({ v: 1, type: "join", roomId: 42 } as never), "invalid_message");
    expectCode(await c.expectError({ v: 1, type: "join", roomId: "no-such-room" }), "room_not_found");
    expectCode(await c.expectError({ v: 1, type: "leave", roomId: "no-such-room" }), "not_in_room");
    expectCode(await c.expectError({ v: 1, type: "chat", roomId: "no-such-room", text: "x" }), "not_in_room");
    const r = await c.expectError({ v: 1, type: "chat", roomId: "abc", text: "x".repeat(3000) });
    expectCode(r, "payload_too_large");
  });

  it("enforces rooms per connection, duplicate joins and unknown peers", async () => {
    const m = await Promise.all([createMeeting(srv.http), createMeeting(srv.http), createMeeting(srv.http)]);
    const c = await open();
    await c.request({ v: 1, type: "join", roomId: m[0].roomId });
    expectCode(await c.expectError({ v: 1, type: "join", roomId: m[0].roomId }), "already_joined");
    await c.request({ v: 1, type: "join", roomId: m[1].roomId });
    expectCode(await c.expectError({ v: 1, type: "join", roomId: m[2].roomId }), "too_many_rooms");
    const sig = {
      v: 1,
      type: "signal",
      roomId: m[0].roomId,
      to: "nobody",
      data: { kind: "ice-restart" },
    } as const;
    expectCode(await c.expectError(sig), "unknown_peer");
    expectCode(await c.expectError({ v: 1, type: "kick", roomId: m[0].roomId, peerId: "x" }), "forbidden");
  });

  it("rate-limits a flooding connection without disturbing its neighbours", async () => {
    const { roomId } = await createMeeting(srv.http);
    const flooder = await open();
    const a = await open();
    const b = await open();
    for (const c of [flooder, a, b]) await c.request({ v: 1, type: "join", roomId });
    for (let i = 0; i < 45; i++) flooder.send({ v: 1, type: "ping" });
    const limited = await flooder.nextOf("error", (e) => e.code === "rate_limited");
    expectCode(limited, "rate_limited");
    assert.equal(limited.retryable, true);
    await a.request({ v: 1, type: "signal", roomId, to: b.sessionId, data: { kind: "ice-restart" } });
    assert.equal((await b.nextOf("signal")).from, a.sessionId);
  });

  it("survives random bytes, bad JSON, wrong types and oversized frames; others undisturbed", async () => {
    const { roomId } = await createMeeting(srv.http);
    const a = await open();
    const b = await open();
    await a.request({ v: 1, type: "join", roomId });
    await b.request({ v: 1, type: "join", roomId });
    const fuzzer = await open();
    await fuzzer.request({ v: 1, type: "join", roomId });
    const frames: (string | Buffer)[] = [
      "{",
      "null",
      "[]",
      "42",
      '"str"',
      "{}",
      '{"v":1}',
      '{"v":1,"type":null}',
      '{"v":1,"type":"signal","roomId":"' + roomId + '","to":{},"data":[]}',
      '{"v":1,"type":"join","roomId":"' + "a".repeat(500) + '"}',
      '{"v":1,"type":"chat","roomId":"' + roomId + '","text":12}',
      '{"__proto__":{"polluted":1},"v":1,"type":"ping"}',
      "x".repeat(5000),
    ];
    for (let i = 0; i < 12; i++) frames.push(randomBytes(1 + ((i * 37) % 300)));
    for (let i = 0; i < 8; i++) frames.push(randomBytes(64).toString("latin1"));
    let sent = 0;
    for (const f of frames) {
      fuzzer.send(f);
      if (++sent % 10 === 0) await fuzzer.request({ v: 1, type: "ping" });
    }
    await fuzzer.request({ v: 1, type: "ping" });
    const errors = fuzzer.all("error");
    assert.ok(errors.length >= frames.length - 2, `${errors.length} errors for ${frames.length} frames`);
    for (const e of errors)
      assert.ok(["invalid_message", "payload_too_large", "unsupported_version"].includes(e.code));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // Neighbours still relay.
    await a.request({ v: 1, type: "signal", roomId, to: b.sessionId, data: { kind: "ice-restart" } });
    assert.equal((await b.nextOf("signal")).from, a.sessionId);
    assert.equal(b.all("error").length, 0);
    // A frame above the hard cap closes only that connection (1009).
    const big = await open();
    const closed = new Promise<number>((resolve) => big.ws.on("close", (code) => resolve(code)));
    big.send("y".repeat(300 * 1024));
    assert.equal(await closed, 1009);
    await a.request({ v: 1, type: "ping" });
  });

  it("closes connections that never say hello", async () => {
    const short = await startServer({ SIGNALING_HELLO_TIMEOUT_MS: "300" });
    try {
      const c = await TestClient.connect(short.ws);
      const code = await new Promise<number>((resolve) => c.ws.on("close", (cd) => resolve(cd)));
      assert.equal(code, 1008);
    } finally {
      await short.close();
    }
  });

  afterAll(() => {
    for (const code of [
      "invalid_message",
      "payload_too_large",
      "rate_limited",
      "room_not_found",
      "not_in_room",
      "unknown_peer",
    ] as const)
      assert.ok(seen.has(code), `covered ${code}`);
  });
});
