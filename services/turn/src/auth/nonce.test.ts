import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { NonceIssuer } from "./nonce.js";

describe("stateless nonces", () => {
  it("verifies for the same client until the lifetime passes, then is stale", () => {
    const clock = new ManualClock();
    const issuer = new NonceIssuer({ lifetimeSeconds: 600, clock });
    const nonce = issuer.issue("udp/1.2.3.4:5");
    assert.equal(issuer.check(nonce, "udp/1.2.3.4:5"), "valid");
    clock.advance(599_000);
    assert.equal(issuer.check(nonce, "udp/1.2.3.4:5"), "valid");
    clock.advance(2_000);
    assert.equal(issuer.check(nonce, "udp/1.2.3.4:5"), "stale");
  });
  it("rejects another client's nonce, another key's and garbage", () => {
    const clock = new ManualClock();
    const issuer = new NonceIssuer({ lifetimeSeconds: 600, clock });
    const nonce = issuer.issue("udp/1.2.3.4:5");
    assert.equal(issuer.check(nonce, "udp/1.2.3.4:6"), "invalid");
    assert.equal(new NonceIssuer({ lifetimeSeconds: 600, clock }).check(nonce, "udp/1.2.3.4:5"), "invalid");
    for (const bad of ["", ".", "zz.abc", "1234", `${nonce}x`, "ffffffffffffff.AAAA"]) {
      assert.equal(issuer.check(bad, "udp/1.2.3.4:5"), "invalid", bad);
    }
  });
  it("treats a nonce from the future as stale", () => {
    const clock = new ManualClock();
    const issuer = new NonceIssuer({ lifetimeSeconds: 600, clock, key: new Uint8Array(32) });
    const nonce = issuer.issue("c");
    clock.advance(-10_000);
    assert.equal(issuer.check(nonce, "c"), "stale");
  });
});
