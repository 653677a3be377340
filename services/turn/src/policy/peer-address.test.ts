import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createPeerPolicy } from "./peer-address.js";

describe("peer address policy", () => {
  const policy = createPeerPolicy({ allowed: [], denied: [] });
  const denied = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.1.1",
    "224.0.0.1",
    "255.255.255.255",
    "0.0.0.0",
    "0.1.2.3",
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.9",
    "240.0.0.1",
    "::",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",
    // IPv4 inside IPv6 forms: 6to4, Teredo (server, and the client XORed with all ones), SIIT-translated
    "2002:7f00:1::1",
    "2002:a00:1::",
    "2002:c0a8:101:1::5",
    "2001:0:7f00:1::1",
    "2001:0:808:808:0:fbaa:80ff:fffe",
    "2001:0:808:808:8000:fbaa:f5ff:fefe",
    "::ffff:0:7f00:1",
    "::ffff:0:a00:1",
    "not-an-ip",
  ];
  for (const ip of denied) it(`denies ${ip} by default`, () => assert.equal(policy.isAllowed(ip), false));
  for (const ip of [
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "2002:808:808::1",
    "2001:0:808:808:8000:fbaa:f7f7:f7f7",
    "::ffff:0:808:808",
  ]) {
    it(`allows public ${ip}`, () => assert.equal(policy.isAllowed(ip), true));
  }
  it("allowed entries win over denied ones, including the IPv4-mapped form", () => {
    const p = createPeerPolicy({ allowed: ["127.0.0.1", "10.0.0.0/8"], denied: ["10.0.0.0/8"] });
    assert.equal(p.isAllowed("127.0.0.1"), true);
    assert.equal(p.isAllowed("::ffff:127.0.0.1"), true);
    assert.equal(p.isAllowed("10.9.9.9"), true);
    assert.equal(p.isAllowed("127.0.0.2"), false);
  });
  it("checks embedded IPv4 against the allowed and denied lists too", () => {
    const p = createPeerPolicy({ allowed: ["127.0.0.1"], denied: ["8.8.0.0/16"] });
    assert.equal(p.isAllowed("2002:7f00:1::1"), true);
    assert.equal(p.isAllowed("2002:7f00:2::1"), false);
    assert.equal(p.isAllowed("2002:808:808::1"), false);
    assert.equal(p.isAllowed("2001:0:808:808:0:fbaa:f7f7:f7f7"), false);
    assert.equal(p.isAllowed("2001:0:909:909:0:fbaa:f7f7:f7f7"), false);
    assert.equal(p.isAllowed("2001:0:909:909:0:fbaa:f6f6:f6f6"), true);
  });
  it("extra denied ranges apply to public space", () => {
    const p = createPeerPolicy({ allowed: [], denied: ["8.8.0.0/16", "2606:4700::/32"] });
    assert.equal(p.isAllowed("8.8.8.8"), false);
    assert.equal(p.isAllowed("2606:4700::1111"), false);
    assert.equal(p.isAllowed("9.9.9.9"), true);
  });
});
