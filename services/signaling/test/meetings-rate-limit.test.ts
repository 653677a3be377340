/**
 * `POST /api/meetings` is rate limited per client address (per user for tokens); `X-Forwarded-For` counts only
 * when the connection comes from a configured proxy.
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { startServer } from "./helpers.js";

const SECRET = "rate-limit-jwt-secret-0123456789";
const bearer = async (sub: string): Promise<Record<string, string>> => ({
  authorization: `Bearer ${await new SignJWT({ sub })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("10m")
    .setAudience("switchboard-signaling")
    .setIssuer("switchboard")
    .sign(new TextEncoder().encode(SECRET))}`,
});

async function create(http: string, headers: Record<string, string> = {}): Promise<[number, string?]> {
  const res = await fetch(`${http}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: "{}",
  });
  const body = (await res.json()) as { error?: { code: string; retryable: boolean } };
  return body.error ? [res.status, `${body.error.code}/${body.error.retryable}`] : [res.status];
}

describe("meeting creation rate limit", () => {
  it("refuses anonymous creation past the limit per address; a forged X-Forwarded-For does not help", async () => {
    const srv = await startServer({ SIGNALING_MEETING_CREATE_LIMIT: "3" });
    try {
      for (let i = 0; i < 3; i++) assert.deepEqual(await create(srv.http), [201]);
      assert.deepEqual(await create(srv.http), [429, "rate_limited/true"]);
      assert.deepEqual(await create(srv.http, { "x-forwarded-for": "198.51.100.9" }), [
        429,
        "rate_limited/true",
      ]);
      // Other routes are not limited.
      const health = await fetch(`${srv.http}/health`);
      assert.equal(health.status, 200);
    } finally {
      await srv.close();
    }
  });

  it("behind a trusted proxy, counts per forwarded client address", async () => {
    const srv = await startServer({
      SIGNALING_MEETING_CREATE_LIMIT: "2",
      SIGNALING_TRUSTED_PROXIES: "127.0.0.0/8",
    });
    try {
      const from = (a: string) => ({ "x-forwarded-for": a });
      assert.deepEqual(await create(srv.http, from("203.0.113.7")), [201]);
      assert.deepEqual(await create(srv.http, from("203.0.113.7")), [201]);
      assert.deepEqual(await create(srv.http, from("203.0.113.7")), [429, "rate_limited/true"]);
      // The rightmost address that is not a trusted proxy is the client: a prefix the client wrote is ignored.
      assert.deepEqual(await create(srv.http, from("1.2.3.4, 203.0.113.7")), [429, "rate_limited/true"]);
      assert.deepEqual(await create(srv.http, from("203.0.113.8")), [201]);
    } finally {
      await srv.close();
    }
  });

  it("counts token holders per user, apart from anonymous callers of the same address", async () => {
    const srv = await startServer({ SIGNALING_MEETING_CREATE_LIMIT: "2", JWT_SECRET: SECRET });
    try {
      const alice = await bearer("alice");
      assert.deepEqual(await create(srv.http, alice), [201]);
      assert.deepEqual(await create(srv.http, alice), [201]);
      assert.deepEqual(await create(srv.http, alice), [429, "rate_limited/true"]);
      assert.deepEqual(await create(srv.http, await bearer("bob")), [201]);
      assert.deepEqual(await create(srv.http), [201]);
    } finally {
      await srv.close();
    }
  });
});
