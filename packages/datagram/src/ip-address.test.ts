import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { describe, it } from "node:test";
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "./ip-address.js";

describe("IPv4 text and bytes", () => {
  it("parses dotted quads and formats them back", () => {
    assert.equal(parseIpv4("127.0.0.1"), 0x7f000001);
    assert.equal(parseIpv4("255.255.255.255"), 0xffffffff);
    assert.equal(parseIpv4("0.0.0.0"), 0);
    assert.equal(formatIpv4(0xc0000201), "192.0.2.1");
    assert.equal(formatIpv4(0xffffffff), "255.255.255.255");
  });

  it("refuses what is not a canonical dotted quad", () => {
    for (const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1..3.4",
      "1.2.3.4 ",
      "a.b.c.d",
      "1.2.3.",
    ])
      assert.equal(parseIpv4(bad), undefined, bad);
  });

  it("agrees with node:net on random and mutated input", () => {
    for (let i = 0; i < 20_000; i++) {
      const v = randomBytes(4).readUInt32BE(0);
      const text = formatIpv4(v);
      assert.equal(parseIpv4(text), v);
      const mutated =
        text.slice(0, i % text.length) + String.fromCharCode(32 + (i % 90)) + text.slice(i % text.length);
      assert.equal(parseIpv4(mutated) !== undefined, isIPv4(mutated), mutated);
    }
  });
});

describe("IPv6 text and bytes", () => {
  const cases: Array<[string, string]> = [
    ["::", "::"],
    ["::1", "::1"],
    ["2001:db8::1", "2001:db8::1"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group stays
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longest run
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first run on a tie
    ["fe80::1:2", "fe80::1:2"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
  ];
  for (const [input, canonical] of cases) {
    it(`${input} → ${canonical}`, () => {
      const bytes = parseIpv6(input);
      assert.ok(bytes);
      assert.equal(formatIpv6(bytes), canonical);
      assert.deepEqual(parseIpv6(canonical), bytes);
    });
  }

  it("refuses what is not an address", () => {
    for (const bad of [
      "",
      ":",
      "1:2",
      ":::",
      "1::2::3",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "1.2.3.4::",
      "g::1",
      "::1.2.3",
    ])
      assert.equal(parseIpv6(bad), undefined, bad);
  });

  it("round-trips random addresses and agrees with node:net on mutated text", () => {
    for (let i = 0; i < 20_000; i++) {
      const bytes = new Uint8Array(randomBytes(16));
      if (i % 3 === 0) bytes.fill(0, i % 16, (i % 16) + 6); // zero runs
      const text = formatIpv6(bytes);
      assert.ok(isIPv6(text), text);
      assert.deepEqual(parseIpv6(text), bytes);
      const at = i % text.length;
      const mutated = text.slice(0, at) + ":.0f"[i % 4] + text.slice(at + (i % 2));
      assert.equal(parseIpv6(mutated) !== undefined, isIPv6(mutated), mutated);
    }
  });
});
