import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ManualClock } from "@switchboard/runtime";
import { issueTurnCredentials } from "@switchboard/turn-credentials";
import { CredentialStore, longTermKey } from "./credentials.js";

describe("credential store", () => {
  const clock = new ManualClock(1_700_000_000_000);
  const store = new CredentialStore({
    realm: "example.org",
    users: ["alice:secret:with:colons", "bob:pw"],
    secrets: ["old", "new"],
    clock,
  });

  it("derives MD5(user:realm:password) once for static users (RFC 5769 §2.4 key form)", () => {
    const r = store.lookup("alice");
    assert.ok(r.ok);
    const expected = createHash("md5").update("alice:example.org:secret:with:colons").digest();
    assert.deepEqual(Buffer.from(r.keys[0] ?? []), expected);
    assert.equal(r.quotaKey, "u:alice");
  });

  it("gives one key per secret for REST usernames and refuses expired ones", () => {
    const creds = issueTurnCredentials({ secret: "new", ttlSeconds: 60, userId: "u1", nowMs: clock.now() });
    const r = store.lookup(creds.username);
    assert.ok(r.ok);
    assert.equal(r.keys.length, 2);
    assert.deepEqual(r.keys[1], longTermKey(creds.username, "example.org", creds.credential));
    assert.equal(r.quotaKey, "r:u1");
    clock.advance(61_000);
    assert.deepEqual(store.lookup(creds.username), { ok: false, reason: "expired" });
  });

  it("gives REST usernames without a user part one shared quota key with its own limit", () => {
    const a = issueTurnCredentials({ secret: "new", ttlSeconds: 60, nowMs: clock.now() });
    const b = issueTurnCredentials({ secret: "new", ttlSeconds: 61, nowMs: clock.now() });
    const [ra, rb] = [store.lookup(a.username), store.lookup(b.username)];
    assert.ok(ra.ok && rb.ok);
    assert.equal(ra.quotaKey, rb.quotaKey);
    assert.equal(ra.quotaLimit, 0);
    const lenient = new CredentialStore({ realm: "r", users: [], secrets: ["s"], noUserQuota: 3, clock });
    const r = lenient.lookup(a.username);
    assert.ok(r.ok);
    assert.equal(r.quotaLimit, 3);
    const withUser = lenient.lookup(
      issueTurnCredentials({ secret: "s", ttlSeconds: 60, userId: "rest-without-user", nowMs: clock.now() })
        .username,
    );
    assert.ok(withUser.ok);
    assert.notEqual(withUser.quotaKey, r.quotaKey);
    assert.equal(withUser.quotaLimit, undefined);
  });
  it("does not know other users", () => {
    assert.deepEqual(store.lookup("carol"), { ok: false, reason: "unknown_user" });
    const noRest = new CredentialStore({ realm: "r", users: [], secrets: [], clock });
    assert.deepEqual(noRest.lookup("1999999999"), { ok: false, reason: "unknown_user" });
  });
});
