import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { sharedRedis } from "@switchboard/test-support";
import { TestClient, createMeeting, startServer, type TestServer } from "./helpers.js";

/** Compact `signal` frames (what clients write with JSON.stringify) take the relay's fast path. */
const DATA = [
  '{"kind":"candidate","candidate":{"candidate":"candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"é\\u00e9😀"}}',
  '{"kind":"candidate","candidate":{"candidate":"\\u0041 \\/"}}',
  '{"kind":"offer","sdp":"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1 a\\/b\\r\\n","iceRestart":true,"signature":{"alg":"ES256","publicKey":"pk","signature":"sig","nonce":"n0nce-0123456789ab"}}',
  '{"kind":"candidate","candidate":null}',
  '{"kind":"answer","sdp":"v=0\\r\\n"}',
  '{"kind":"ice-restart"}',
];

/** Records the raw text of every frame a client receives. */
function rawFrames(c: TestClient): string[] {
  const out: string[] = [];
  c.ws.on("message", (data) => out.push((data as Buffer).toString("utf8")));
  return out;
}

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A and B in one room; A sends every kind of compact frame (with and without ids) to B. */
async function relayBetween(a: TestClient, b: TestClient, roomId: string): Promise<void> {
  const raw = rawFrames(b);
  const expected: string[] = [];
  for (const [i, data] of DATA.entries()) {
    // \`id\` first, after \`v\`, after \`type\`: the fast path takes all three (the data's escapes show it).
    const frame = (id: string) =>
      [
        `{"id":"${id}","v":1,"type":"signal","roomId":"${roomId}","to":"${b.sessionId}","data":${data}}`,
        `{"v":1,"id":"${id}","type":"signal","roomId":"${roomId}","to":"${b.sessionId}","data":${data}}`,
        `{"v":1,"type":"signal","id":"${id}","roomId":"${roomId}","to":"${b.sessionId}","data":${data}}`,
      ][i % 3] ?? "";
    const ack = a.next((m) => m.id === `f${i}`);
    a.send(frame(`f${i}`));
    assert.equal((await ack).type, "ack");
    a.send(`{"v":1,"type":"signal","roomId":"${roomId}","to":"${b.sessionId}","data":${data}}`);
    const relayed = `{"v":1,"type":"signal","roomId":"${roomId}","from":"${a.sessionId}","data":${data}}`;
    expected.push(relayed, relayed);
  }
  await until(() => raw.filter((t) => t.includes('"type":"signal"')).length >= expected.length);
  // Byte for byte the data as sent, in order, with the server's `from`.
  assert.deepEqual(
    raw.filter((t) => t.includes('"type":"signal"')),
    expected,
  );
  for (const [i, data] of DATA.entries()) {
    const got = b.all("signal")[2 * i];
    assert.deepEqual(got?.data, JSON.parse(data));
  }
}

describe("the relay's fast path", () => {
  let srv: TestServer;
  const clients: TestClient[] = [];
  const open = async (s: TestServer) => {
    const c = await TestClient.session(s.ws);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  it("relays compact frames untouched, in order, acknowledging those with an id", async () => {
    const { roomId } = await createMeeting(srv.http);
    const a = await open(srv);
    const b = await open(srv);
    await a.request({ v: 1, type: "join", roomId });
    await b.request({ v: 1, type: "join", roomId });
    await relayBetween(a, b, roomId);
  });

  it("answers with the same errors as the full parser", async () => {
    const { roomId } = await createMeeting(srv.http);
    const other = await createMeeting(srv.http);
    const a = await open(srv);
    const b = await open(srv);
    await a.request({ v: 1, type: "join", roomId });
    const frame = (id: string, room: string, to: string) =>
      `{"v":1,"id":"${id}","type":"signal","roomId":"${room}","to":"${to}","data":{"kind":"ice-restart"}}`;
    const reply = async (id: string, text: string) => {
      const r = a.next((m) => m.id === id);
      a.send(text);
      return r;
    };
    const e1 = await reply("e1", frame("e1", roomId, b.sessionId));
    assert.deepEqual([e1.type, e1.type === "error" && e1.code], ["error", "unknown_peer"]);
    const e2 = await reply("e2", frame("e2", other.roomId, b.sessionId));
    assert.deepEqual([e2.type, e2.type === "error" && e2.code], ["error", "not_in_room"]);
    // Before hello: the fast path is not taken at all.
    const c = await TestClient.connect(srv.ws);
    clients.push(c);
    const e3 = c.next((m) => m.id === "e3");
    c.send(frame("e3", roomId, a.sessionId));
    const r3 = await e3;
    assert.deepEqual([r3.type, r3.type === "error" && r3.code], ["error", "hello_required"]);
  });
});

describe("the relay's fast path across instances (Redis)", () => {
  let redis: { url: string; dispose: () => Promise<void> };
  let A: TestServer;
  let B: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    redis = await sharedRedis();
    A = await startServer({ REDIS_URL: redis.url });
    B = await startServer({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await A.close();
    await B.close();
    await redis.dispose();
  });

  it("carries compact frames over the bus untouched and in order", async () => {
    const { roomId } = await createMeeting(A.http);
    const a = await TestClient.session(A.ws);
    const b = await TestClient.session(B.ws);
    clients.push(a, b);
    await a.request({ v: 1, type: "join", roomId });
    await b.request({ v: 1, type: "join", roomId });
    await relayBetween(a, b, roomId);
  });
});
