import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  issueTurnCredentials,
  parseTurnUsername,
  turnPassword,
  verifyTurnUsername,
} from "./rest-credentials.js";

describe("TURN REST credentials", () => {
  it("computes coturn's password: base64(HMAC-SHA1(secret, username))", () => {
    const expected = createHmac("sha1", "north").update("1700003600:alice").digest("base64");
    assert.equal(turnPassword("north", "1700003600:alice"), expected);
    const c = issueTurnCredentials({
      secret: "north",
      ttlSeconds: 3600,
      userId: "alice",
      nowMs: 1_700_000_000_000,
    });
    assert.deepEqual(c, {
      username: "1700003600:alice",
      credential: expected,
      expiresAt: 1_700_003_600,
      ttlSeconds: 3600,
    });
  });

  it("parses and expires usernames", () => {
    assert.deepEqual(parseTurnUsername("1700003600"), { expiresAt: 1_700_003_600 });
    assert.deepEqual(parseTurnUsername("1700003600:a:b"), { expiresAt: 1_700_003_600, userId: "a:b" });
    assert.equal(parseTurnUsername("alice"), undefined);
    assert.equal(parseTurnUsername(""), undefined);
    assert.equal(verifyTurnUsername("1700003600:alice", 1_700_003_599_000), true);
    assert.equal(verifyTurnUsername("1700003600:alice", 1_700_003_600_000), false);
  });

  it("refuses bad options", () => {
    assert.throws(() => issueTurnCredentials({ secret: "", ttlSeconds: 1, nowMs: 0 }), RangeError);
    assert.throws(() => issueTurnCredentials({ secret: "s", ttlSeconds: 0, nowMs: 0 }), RangeError);
    assert.throws(
      () => issueTurnCredentials({ secret: "s", ttlSeconds: 5, userId: "a:b", nowMs: 0 }),
      RangeError,
    );
  });
});
