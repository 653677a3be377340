import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "./ip-address.js";

const v6 = (text: string): string | undefined => {
  const b = new Uint8Array(16);
  return parseIPv6(text, b) ? formatIPv6(b) : undefined;
};

describe("IPv4 literals", () => {
  it("parses dotted quads strictly", () => {
    const b = new Uint8Array(4);
    assert.ok(parseIPv4("192.0.2.255", b));
    assert.equal(formatIPv4(b), "192.0.2.255");
    for (const bad of ["1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "a.b.c.d", "", "1.2.3.4 "]) {
      assert.ok(!parseIPv4(bad, b), bad);
    }
  });
});

describe("IPv6 literals (RFC 4291 §2.2, RFC 5952)", () => {
  it("formats canonically", () => {
    assert.equal(v6("::"), "::");
    assert.equal(v6("::1"), "::1");
    assert.equal(v6("1::"), "1::");
    assert.equal(v6("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
    assert.equal(v6("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    assert.equal(v6("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
    assert.equal(v6("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
    assert.equal(v6("::ffff:c000:201"), "::ffff:192.0.2.1");
    assert.equal(v6("64:ff9b::192.0.2.1"), "64:ff9b::c000:201");
    assert.equal(v6("fe80::1%eth0"), "fe80::1");
    assert.equal(v6("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  });
  it("rejects malformed text", () => {
    for (const bad of [
      ":",
      ":::",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "12345::",
      "g::",
      "1:",
      ":1",
      "1.2.3.4",
      "::1.2.3",
    ]) {
      assert.equal(v6(bad), undefined, bad);
    }
  });
  it("round-trips random bytes", () => {
    const b = new Uint8Array(16);
    const back = new Uint8Array(16);
    for (let i = 0; i < 2000; i++) {
      for (let k = 0; k < 16; k++) b[k] = Math.random() < 0.5 ? 0 : (Math.random() * 256) | 0;
      assert.ok(parseIPv6(formatIPv6(b), back));
      assert.deepEqual(back, b);
    }
  });
});
