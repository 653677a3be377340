import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createClientAddress, trustedProxies } from "./client-address.js";

describe("client address behind proxies", () => {
  const behind = createClientAddress(trustedProxies(["10.0.0.0/8", "::1"]));

  it("uses the socket address when no proxy is trusted", () => {
    assert.equal(createClientAddress(undefined)("10.0.0.2", "1.2.3.4"), "10.0.0.2");
  });

  it("takes the rightmost untrusted X-Forwarded-For hop from a trusted proxy", () => {
    assert.equal(behind("10.0.0.2", "1.2.3.4"), "1.2.3.4");
    assert.equal(behind("::ffff:10.0.0.2", "spoofed, 5.6.7.8, 10.1.1.1"), "5.6.7.8");
    assert.equal(behind("::1", "2001:db8::1"), "2001:db8::1");
  });

  it("ignores the header from untrusted sockets and garbage hops", () => {
    assert.equal(behind("8.8.8.8", "1.2.3.4"), "8.8.8.8");
    assert.equal(behind("10.0.0.2", "not-an-ip"), "10.0.0.2");
    assert.equal(behind("10.0.0.2", undefined), "10.0.0.2");
  });

  it("refuses bad entries", () => {
    assert.throws(() => trustedProxies(["10.0.0.0/40"]), /prefix/);
    assert.throws(() => trustedProxies(["nope"]), /expected an address or CIDR/);
  });
});
