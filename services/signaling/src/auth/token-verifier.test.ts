import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { createTokenVerifier } from "./token-verifier.js";

const SECRET = "unit-test-jwt-secret-0123456789";
const key = new TextEncoder().encode(SECRET);
const NOW = 1_800_000_000_000;

interface Mint {
  claims?: Record<string, unknown>;
  exp?: number | undefined;
  aud?: string | undefined;
  iss?: string | undefined;
}
async function mint(o: Mint = {}): Promise<string> {
  const jwt = new SignJWT({ sub: "u1", ...o.claims })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(NOW / 1000);
  if (!("exp" in o) || o.exp !== undefined) jwt.setExpirationTime(o.exp ?? NOW / 1000 + 600);
  if (!("aud" in o) || o.aud !== undefined) jwt.setAudience(o.aud ?? "switchboard-signaling");
  if (!("iss" in o) || o.iss !== undefined) jwt.setIssuer(o.iss ?? "switchboard");
  return jwt.sign(key);
}

const verifier = (over: { audience?: readonly string[]; issuer?: readonly string[] } = {}) =>
  createTokenVerifier({ jwtSecret: SECRET, allowAnonymous: false, now: () => NOW, ...over });

const refusal = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
  return "accepted";
};

describe("token verifier", () => {
  it("accepts a token with exp, the default audience and issuer", async () => {
    const id = await verifier()(await mint({ claims: { host: ["r1"] } }));
    assert.equal(id.userId, "u1");
    assert.deepEqual(id.hostOf, ["r1"]);
  });

  it("refuses a token without exp (it would live forever)", async () => {
    assert.equal(await refusal(verifier()(await mint({ exp: undefined }))), "unauthorized: invalid token");
  });

  it("refuses a token minted for another service (audience) or by another issuer", async () => {
    const v = verifier();
    assert.equal(await refusal(v(await mint({ aud: "billing" }))), "unauthorized: invalid token");
    assert.equal(await refusal(v(await mint({ aud: undefined }))), "unauthorized: invalid token");
    assert.equal(await refusal(v(await mint({ iss: "someone-else" }))), "unauthorized: invalid token");
    assert.equal(await refusal(v(await mint({ iss: undefined }))), "unauthorized: invalid token");
  });

  it("takes the accepted audiences and issuers from configuration", async () => {
    const v = verifier({ audience: ["meet.example", "switchboard"], issuer: ["https://id.example"] });
    assert.equal((await v(await mint({ aud: "meet.example", iss: "https://id.example" }))).userId, "u1");
    assert.equal(await refusal(v(await mint({ iss: "https://id.example" }))), "unauthorized: invalid token");
  });

  it("still refuses expired tokens with their own message", async () => {
    const old = await mint({ exp: NOW / 1000 - 3600 });
    assert.equal(await refusal(verifier()(old)), "unauthorized: token expired");
  });

  it("recognises an admin by the role claim, a string or a list naming admin", async () => {
    const v = verifier();
    assert.equal((await v(await mint({ claims: { role: "admin" } }))).admin, true);
    assert.equal((await v(await mint({ claims: { role: ["user", "admin"] } }))).admin, true);
    assert.equal((await v(await mint({ claims: { role: "user" } }))).admin, undefined);
    assert.equal((await v(await mint({ claims: { role: "Admin" } }))).admin, undefined);
    assert.equal((await v(await mint({ claims: { roles: ["admin"] } }))).admin, undefined);
    assert.equal((await v(await mint())).admin, undefined);
  });
});
