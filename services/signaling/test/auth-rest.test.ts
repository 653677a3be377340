import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { SignJWT, exportSPKI, generateKeyPair } from "jose";
import { TestClient, createMeeting, startServer, type TestServer } from "./helpers.js";

const SECRET = "test-jwt-secret-0123456789";
const token = (claims: Record<string, unknown>, exp = "10m", secret = SECRET) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(exp)
    .setAudience("switchboard-signaling")
    .setIssuer("switchboard")
    .sign(new TextEncoder().encode(secret));

describe("JWT authentication and the meetings REST API", () => {
  let srv: TestServer;
  const clients: TestClient[] = [];
  const api = (path: string, init: RequestInit & { auth?: string } = {}) =>
    fetch(`${srv.http}${path}`, {
      ...init,
      headers: {
        ...(init.body ? { "content-type": "application/json" } : {}),
        ...(init.auth ? { authorization: `Bearer ${init.auth}` } : {}),
        ...(init.headers as Record<string, string>),
      },
    });
  beforeAll(async () => {
    srv = await startServer({
      JWT_SECRET: SECRET,
      ALLOW_ANONYMOUS: "false",
      MEETING_TTL: "3600",
      MAX_PARTICIPANTS: "20",
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  it("requires a valid token when anonymous access is off", async () => {
    const c = await TestClient.connect(srv.ws);
    clients.push(c);
    assert.equal((await c.expectError({ v: 1, type: "hello" })).code, "unauthorized");
    assert.equal((await c.expectError({ v: 1, type: "hello", token: "not.a.jwt" })).code, "unauthorized");
    const wrongKey = await token({ sub: "u1" }, "10m", "another-secret-entirely");
    assert.equal((await c.expectError({ v: 1, type: "hello", token: wrongKey })).code, "unauthorized");
    const expired = await token({ sub: "u1" }, (Math.floor(Date.now() / 1000) - 3600) as unknown as string);
    const e = await c.expectError({ v: 1, type: "hello", token: expired });
    assert.deepEqual([e.code, e.message], ["unauthorized", "token expired"]);
    const w = await c.request<"welcome">({
      v: 1,
      type: "hello",
      token: await token({ sub: "u1", name: "Una" }),
    });
    assert.equal(w.resumed, false);
    const res = await api("/api/meetings", { method: "POST", body: "{}" });
    assert.equal(res.status, 401);
    assert.deepEqual(((await res.json()) as { error: { code: string } }).error.code, "unauthorized");
  });

  it("creates, reads, updates, lists and ends meetings; the token's user is host", async () => {
    const alice = await token({ sub: "alice", name: "Alice", email: "alice@corp.example" });
    const created = await api("/api/meetings", {
      method: "POST",
      auth: alice,
      body: JSON.stringify({
        title: "Standup",
        settings: { maxParticipants: 500, allowedEmailDomains: ["corp.example"] },
      }),
    });
    assert.equal(created.status, 201);
    const { meeting, hostKey } = (await created.json()) as {
      meeting: {
        roomId: string;
        hostId: string;
        settings: { maxParticipants: number };
        expiresAt: number;
        createdAt: number;
      };
      hostKey: string;
    };
    assert.equal(meeting.hostId, "alice");
    assert.equal(meeting.settings.maxParticipants, 20, "clamped to MAX_PARTICIPANTS");
    assert.equal(meeting.expiresAt - meeting.createdAt, 3600_000);
    assert.ok(hostKey.length > 10);
    const got = (await (await api(`/api/meetings/${meeting.roomId}`, { auth: alice })).json()) as Record<
      string,
      unknown
    >;
    assert.equal(got.title, "Standup");
    assert.equal(got.hostKey, undefined, "the host key is never returned by GET");

    const h = await TestClient.session(srv.ws, { token: alice });
    const bob = await TestClient.session(srv.ws, {
      token: await token({ sub: "bob", email: "bob@corp.example" }),
    });
    const eve = await TestClient.session(srv.ws, {
      token: await token({ sub: "eve", email: "eve@elsewhere.example" }),
    });
    const granted = await TestClient.session(srv.ws, {
      token: await token({ sub: "gus", email: "gus@corp.example", rooms: ["other-room"] }),
    });
    clients.push(h, bob, eve, granted);
    assert.equal(
      (await h.request<"joined">({ v: 1, type: "join", roomId: meeting.roomId })).self.role,
      "host",
    );
    const jb = await bob.request<"joined">({ v: 1, type: "join", roomId: meeting.roomId });
    assert.deepEqual([jb.self.userId, jb.self.role], ["bob", "guest"]);
    assert.equal((await eve.expectError({ v: 1, type: "join", roomId: meeting.roomId })).code, "forbidden");
    assert.equal(
      (await granted.expectError({ v: 1, type: "join", roomId: meeting.roomId })).code,
      "forbidden",
    );

    const parts = (await (
      await api(`/api/meetings/${meeting.roomId}/participants`, { auth: alice })
    ).json()) as { participants: { userId?: string }[] };
    assert.deepEqual(parts.participants.map((p) => p.userId).sort(), ["alice", "bob"]);

    const bobToken = await token({ sub: "bob" });
    const denied = await api(`/api/meetings/${meeting.roomId}`, {
      method: "PATCH",
      auth: bobToken,
      body: JSON.stringify({ settings: { locked: true } }),
    });
    assert.equal(denied.status, 403);
    const patched = await api(`/api/meetings/${meeting.roomId}`, {
      method: "PATCH",
      auth: bobToken,
      headers: { "x-host-key": hostKey },
      body: JSON.stringify({ settings: { locked: true } }),
    });
    assert.equal(patched.status, 200);
    assert.equal((await bob.nextOf("room.updated")).settings.locked, true);
    const bad = await api(`/api/meetings/${meeting.roomId}`, {
      method: "PATCH",
      auth: alice,
      body: JSON.stringify({ settings: { maxParticipants: "many" } }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, "invalid_message");

    await h.request({ v: 1, type: "chat", roomId: meeting.roomId, text: "hello" });
    const stats = (await (
      await api(`/api/meetings/${meeting.roomId}/stats`, { auth: alice })
    ).json()) as Record<string, unknown>;
    assert.deepEqual([stats.participants, stats.chatMessages, stats.active], [2, 1, true]);

    for (let i = 0; i < 4; i++)
      await api("/api/meetings", { method: "POST", auth: alice, body: JSON.stringify({ title: `m${i}` }) });
    const page1 = (await (await api("/api/users/me/meetings?limit=3", { auth: alice })).json()) as {
      items: unknown[];
      nextCursor?: string;
    };
    assert.equal(page1.items.length, 3);
    assert.ok(page1.nextCursor);
    const page2 = (await (
      await api(`/api/users/me/meetings?limit=3&cursor=${page1.nextCursor}`, { auth: alice })
    ).json()) as { items: unknown[]; nextCursor?: string };
    assert.equal(page2.items.length, 2);
    assert.equal(page2.nextCursor, undefined);

    assert.equal(
      (await api(`/api/meetings/${meeting.roomId}/end`, { method: "POST", auth: bobToken })).status,
      403,
    );
    const ended = await api(`/api/meetings/${meeting.roomId}`, { method: "DELETE", auth: alice });
    assert.equal(ended.status, 200);
    assert.ok(((await ended.json()) as { endedAt?: number }).endedAt);
    await bob.nextOf("room.ended");
    assert.equal((await api("/api/meetings/zzz-none-zzz", { auth: alice })).status, 404);
  });

  it("accepts tokens signed with a configured public key (ES256)", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const pem = await exportSPKI(publicKey);
    const pk = await startServer({
      JWT_PUBLIC_KEY: pem,
      ALLOW_ANONYMOUS: "false",
      JWT_AUDIENCE: "meet.example",
      JWT_ISSUER: "https://id.example",
    });
    try {
      const jwt = await new SignJWT({ sub: "k1", name: "Kay" })
        .setProtectedHeader({ alg: "ES256" })
        .setExpirationTime("5m")
        .setAudience("meet.example")
        .setIssuer("https://id.example")
        .sign(privateKey);
      const { roomId } = await createMeeting(pk.http, {}, { authorization: `Bearer ${jwt}` });
      const c = await TestClient.session(pk.ws, { token: jwt });
      const j = await c.request<"joined">({ v: 1, type: "join", roomId });
      assert.deepEqual([j.self.name, j.self.role], ["Kay", "host"]);
      const hs = await token({ sub: "k1" });
      assert.equal((await c.expectError({ v: 1, type: "hello", token: hs })).code, "hello_required");
      const other = await TestClient.connect(pk.ws);
      assert.equal((await other.expectError({ v: 1, type: "hello", token: hs })).code, "unauthorized");
      await Promise.all([c.close(), other.close()]);
    } finally {
      await pk.close();
    }
  });
});

describe("CORS for the REST API", () => {
  it("answers preflights for configured origins only", async () => {
    const srv = await startServer({ CORS_ORIGINS: "https://app.example" });
    try {
      const preflight = (origin: string) =>
        fetch(`${srv.http}/api/meetings`, {
          method: "OPTIONS",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
          },
        });
      const ok = await preflight("https://app.example");
      assert.equal(ok.headers.get("access-control-allow-origin"), "https://app.example");
      const other = await preflight("https://evil.example");
      assert.equal(other.headers.get("access-control-allow-origin"), null);
    } finally {
      await srv.close();
    }
  });
});
