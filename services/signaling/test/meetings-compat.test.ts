import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { Meeting } from "@switchboard/protocol";
import { sharedRedis, type SharedRedis } from "@switchboard/test-support";
import { TestClient, startServer, type TestServer } from "./helpers.js";

const SECRET = "compat-test-jwt-secret-0123456789";
const token = (sub: string, claims: Record<string, unknown> = {}) =>
  new SignJWT({ sub, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("10m")
    .setAudience("switchboard-signaling")
    .setIssuer("switchboard")
    .sign(new TextEncoder().encode(SECRET));

interface Created {
  success: true;
  meeting: Meeting;
  hostKey: string;
}
interface Listed {
  success: true;
  meetings: Meeting[];
  hasMore: boolean;
}

/** The meetings routes users of earlier meeting services know, and the meeting settings, on one store kind. */
function suite(kind: "memory" | "redis"): void {
  describe(`meeting service routes and settings (${kind} store)`, () => {
    let redis: SharedRedis | undefined;
    let srv: TestServer;
    const clients: TestClient[] = [];
    const user = `user-${randomUUID()}`;
    let userToken = "";
    const api = async <T>(
      path: string,
      init: { method?: string; body?: unknown; auth?: string; headers?: Record<string, string> } = {},
    ) => {
      const res = await fetch(`${srv.http}${path}`, {
        method: init.method ?? "GET",
        headers: {
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...(init.auth ? { authorization: `Bearer ${init.auth}` } : {}),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return { status: res.status, body: (await res.json()) as T & { error?: { code: string } } };
    };
    const session = async (auth?: string) => {
      const c = await TestClient.session(srv.ws, auth ? { token: auth } : {});
      clients.push(c);
      return c;
    };

    beforeAll(async () => {
      if (kind === "redis") redis = await sharedRedis();
      srv = await startServer({ JWT_SECRET: SECRET, ...(redis ? { REDIS_URL: redis.url } : {}) });
      userToken = await token(user, { name: "Una" });
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await srv.close();
      await redis?.dispose();
    });

    it("POST /api/meetings/create takes the known body and answers {success, meeting, hostKey}", async () => {
      const { status, body } = await api<Created>("/api/meetings/create", {
        method: "POST",
        auth: userToken,
        body: {
          title: "Team Standup",
          description: "Daily standup meeting",
          hostId: user,
          hostName: "Una",
          scheduledAt: "2027-01-20T10:00:00Z",
          settings: {
            maxParticipants: 50,
            isRecordingEnabled: true,
            isChatEnabled: false,
            isScreenShareEnabled: false,
            requireApproval: false,
            allowedDomains: ["example.com"],
          },
        },
      });
      assert.equal(status, 201, JSON.stringify(body));
      assert.equal(body.success, true);
      const m = body.meeting;
      assert.deepEqual(
        [m.title, m.description, m.hostId, m.hostName, m.scheduledAt, m.status],
        ["Team Standup", "Daily standup meeting", user, "Una", Date.parse("2027-01-20T10:00:00Z"), "active"],
      );
      assert.deepEqual(m.settings, {
        maxParticipants: 50,
        requireApproval: false,
        allowedEmailDomains: ["example.com"],
        locked: false,
        isChatEnabled: false,
        isScreenShareEnabled: false,
        isRecordingEnabled: true,
      });
      // Stored: GET returns the same record (no host key).
      const got = await api<Meeting>(`/api/meetings/${m.roomId}`);
      assert.deepEqual(got.body, m);
      assert.equal((got.body as { hostKey?: string }).hostKey, undefined);
    });

    it("defaults: chat and screen share on, recording off; anonymous creation works without hostId", async () => {
      const { status, body } = await api<Created>("/api/meetings/create", { method: "POST", body: {} });
      assert.equal(status, 201);
      const s = body.meeting.settings;
      assert.deepEqual([s.isChatEnabled, s.isScreenShareEnabled, s.isRecordingEnabled], [true, true, false]);
      assert.equal(body.meeting.hostId, undefined);
      const both = await api("/api/meetings/create", {
        method: "POST",
        body: { settings: { allowedDomains: ["a.example"], allowedEmailDomains: ["b.example"] } },
      });
      assert.deepEqual([both.status, both.body.error?.code], [400, "invalid_message"]);
    });

    it("chat is refused with chat_disabled and screen sharing with screen_share_disabled until the host turns them on (PUT)", async () => {
      const created = await api<Created>("/api/meetings/create", {
        method: "POST",
        auth: userToken,
        body: { settings: { isChatEnabled: false, isScreenShareEnabled: false } },
      });
      const { roomId } = created.body.meeting;
      const host = await session(userToken);
      const guest = await session();
      const joined = await host.request<"joined">({ v: 1, type: "join", roomId });
      assert.deepEqual(
        [
          joined.settings.isChatEnabled,
          joined.settings.isScreenShareEnabled,
          joined.settings.isRecordingEnabled,
        ],
        [false, false, false],
      );
      await guest.request({ v: 1, type: "join", roomId });
      const chat = await guest.expectError({ v: 1, type: "chat", roomId, text: "hi" });
      assert.deepEqual([chat.code, chat.retryable], ["chat_disabled", false]);
      const screen = await guest.expectError({ v: 1, type: "update", roomId, state: { screen: true } });
      assert.equal(screen.code, "screen_share_disabled");
      await guest.request({ v: 1, type: "update", roomId, state: { audio: true, screen: false } });
      const upd = await host.nextOf("peer.updated", (m) => m.peer.peerId === guest.sessionId);
      assert.deepEqual(upd.peer.state, { audio: true, video: false, screen: false });
      const late = await session();
      const refused = await late.expectError({
        v: 1,
        type: "join",
        roomId,
        state: { audio: false, video: false, screen: true },
      });
      assert.equal(refused.code, "screen_share_disabled");
      assert.equal(host.all("chat").length, 0);

      // PUT (the older name of PATCH) by the host turns both on; everyone hears room.updated.
      const put = await api<Meeting>(`/api/meetings/${roomId}`, {
        method: "PUT",
        auth: userToken,
        body: {
          title: "Updated Title",
          settings: { isChatEnabled: true, isScreenShareEnabled: true, maxParticipants: 10 },
        },
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(
        [put.body.title, put.body.settings.maxParticipants, put.body.settings.isChatEnabled],
        ["Updated Title", 10, true],
      );
      await guest.nextOf("room.updated", (m) => m.settings.isChatEnabled && m.settings.isScreenShareEnabled);
      await guest.request({ v: 1, type: "chat", roomId, text: "now it works" });
      const entry = await host.nextOf("chat");
      assert.equal(entry.entry.text, "now it works");
      await guest.request({ v: 1, type: "update", roomId, state: { screen: true } });
      await host.nextOf("peer.updated", (m) => m.peer.state.screen);
      // A guest may not PUT.
      const denied = await api(`/api/meetings/${roomId}`, { method: "PUT", body: { title: "mine" } });
      assert.deepEqual([denied.status, denied.body.error?.code], [403, "forbidden"]);
    });

    it("GET /api/meetings/user/:userId: the user or an admin; status filter, limit and skip", async () => {
      const owner = `owner-${randomUUID()}`;
      const ownerToken = await token(owner);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await api<Created>("/api/meetings/create", {
          method: "POST",
          auth: ownerToken,
          body: { title: `m${i}` },
        });
        assert.equal(r.status, 201);
        ids.push(r.body.meeting.roomId);
        await new Promise((res) => setTimeout(res, 2)); // distinct creation times: newest first is well defined
      }
      // End m1 and m3.
      for (const i of [1, 3]) {
        const r = await api(`/api/meetings/${ids[i]}/end`, { method: "POST", auth: ownerToken });
        assert.equal(r.status, 200);
      }
      const list = (q: string, auth?: string) =>
        api<Listed>(`/api/meetings/user/${owner}${q}`, auth ? { auth } : {});
      const all = await list("", ownerToken);
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.body.meetings.map((m) => m.title),
        ["m4", "m3", "m2", "m1", "m0"],
      );
      assert.deepEqual(
        all.body.meetings.map((m) => m.status),
        ["active", "ended", "active", "ended", "active"],
      );
      assert.equal(all.body.hasMore, false);
      const active = await list("?status=active&limit=2", ownerToken);
      assert.deepEqual([active.body.meetings.map((m) => m.title), active.body.hasMore], [["m4", "m2"], true]);
      const rest = await list("?status=active&limit=2&skip=2", ownerToken);
      assert.deepEqual([rest.body.meetings.map((m) => m.title), rest.body.hasMore], [["m0"], false]);
      const ended = await list("?status=ended", ownerToken);
      assert.deepEqual(
        ended.body.meetings.map((m) => m.title),
        ["m3", "m1"],
      );
      const page2 = await list("?limit=2&skip=2", ownerToken);
      assert.deepEqual([page2.body.meetings.map((m) => m.title), page2.body.hasMore], [["m2", "m1"], true]);

      // Somebody else: forbidden; no token: unauthorized; an admin (role claim): allowed.
      const other = await list("", await token(`other-${randomUUID()}`));
      assert.deepEqual([other.status, other.body.error?.code], [403, "forbidden"]);
      const notAdmin = await list("", await token(`other-${randomUUID()}`, { role: "moderator" }));
      assert.equal(notAdmin.status, 403);
      const anon = await list("");
      assert.deepEqual([anon.status, anon.body.error?.code], [401, "unauthorized"]);
      const admin = await list("?status=ended", await token(`admin-${randomUUID()}`, { role: ["admin"] }));
      assert.equal(admin.status, 200);
      assert.deepEqual(
        admin.body.meetings.map((m) => m.title),
        ["m3", "m1"],
      );
      // A hostId that is not the caller's own is refused: the host is always the caller.
      const spoof = await api("/api/meetings/create", {
        method: "POST",
        auth: userToken,
        body: { hostId: owner },
      });
      assert.deepEqual([spoof.status, spoof.body.error?.code], [403, "forbidden"]);
      assert.equal((await list("", ownerToken)).body.meetings.length, 5);
    });
  });
}

suite("memory");
suite("redis");
