/**
 * Participants and stats of a meeting are readable by its hosts and by tokens allowed into the room straight
 * away (room restriction, lock, approval and e-mail domains respected); anonymous readers are refused.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { TestClient, createMeeting, startServer, type TestServer } from "./helpers.js";

const SECRET = "rest-privacy-jwt-secret-0123456789";
const token = (claims: Record<string, unknown>): Promise<string> =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("10m")
    .setAudience("switchboard-signaling")
    .setIssuer("switchboard")
    .sign(new TextEncoder().encode(SECRET));

describe("REST privacy of participants and stats", () => {
  let srv: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    srv = await startServer({ JWT_SECRET: SECRET, MEETING_TTL: "3600" });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });
  const status = async (path: string, headers: Record<string, string> = {}): Promise<number> => {
    const res = await fetch(`${srv.http}${path}`, { headers });
    await res.arrayBuffer();
    return res.status;
  };
  const bearer = async (claims: Record<string, unknown>): Promise<Record<string, string>> => ({
    authorization: `Bearer ${await token(claims)}`,
  });

  it("refuses anonymous readers and tokens the room does not admit; hosts and admitted tokens read", async () => {
    const { roomId, hostKey } = await createMeeting(srv.http, { title: "private" });
    const peer = await TestClient.session(srv.ws);
    clients.push(peer);
    await peer.request<"joined">({ v: 1, type: "join", roomId, name: "Secret Name" });
    for (const what of ["participants", "stats"]) {
      const path = `/api/meetings/${roomId}/${what}`;
      assert.equal(await status(path), 401, `${what}: anonymous`);
      assert.equal(await status(path, { "x-host-key": "wrong-key" }), 401, `${what}: wrong host key`);
      assert.equal(await status(path, { "x-host-key": hostKey }), 200, `${what}: host key`);
      assert.equal(await status(path, await bearer({ sub: "eve", rooms: ["other-room"] })), 403, what);
      assert.equal(
        await status(path, await bearer({ sub: "bob", rooms: [roomId] })),
        200,
        `${what}: granted`,
      );
      assert.equal(await status(path, await bearer({ sub: "carol" })), 200, `${what}: any-room token`);
      assert.equal(
        await status(path, await bearer({ sub: "h", host: [roomId] })),
        200,
        `${what}: host claim`,
      );
    }
  });

  it("a locked meeting or one with approval is readable by its hosts only", async () => {
    for (const settings of [
      { locked: true },
      { requireApproval: true },
      { allowedEmailDomains: ["corp.example"] },
    ]) {
      const { roomId, hostKey } = await createMeeting(srv.http, { settings });
      const path = `/api/meetings/${roomId}/participants`;
      assert.equal(await status(path, await bearer({ sub: "bob" })), 403, JSON.stringify(settings));
      assert.equal(await status(path, { "x-host-key": hostKey }), 200, JSON.stringify(settings));
    }
    const { roomId } = await createMeeting(srv.http, { settings: { allowedEmailDomains: ["corp.example"] } });
    const path = `/api/meetings/${roomId}/stats`;
    assert.equal(await status(path, await bearer({ sub: "dan", email: "dan@corp.example" })), 200);
  });
});
