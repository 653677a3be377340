import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { blockListOf, parseCidr } from "./address-ranges.js";
import { loadConfig } from "./config/load-config.js";
import { cidrList } from "./config/fields.js";

describe("address ranges", () => {
  it("parses CIDRs and bare addresses of both families", () => {
    assert.deepEqual(parseCidr("10.0.0.0/8"), { address: "10.0.0.0", prefix: 8, type: "ipv4" });
    assert.deepEqual(parseCidr(" ::1 "), { address: "::1", prefix: 128, type: "ipv6" });
    assert.deepEqual(parseCidr("fd00::/8"), { address: "fd00::", prefix: 8, type: "ipv6" });
  });

  it("refuses what is not an address or has a bad prefix", () => {
    for (const bad of ["nope", "10.0.0.0/33", "10.0.0.0/8/1", "::/129", "1.2.3.4/", "1.2.3.4/x", ""]) {
      assert.throws(() => parseCidr(bad), /expected an address or CIDR|bad prefix length/, bad);
    }
  });

  it("builds a BlockList that also matches IPv4-mapped IPv6 forms", () => {
    const list = blockListOf(["10.0.0.0/8", "::1"]);
    assert.equal(list.check("10.1.2.3", "ipv4"), true);
    assert.equal(list.check("::ffff:10.1.2.3", "ipv6"), true);
    assert.equal(list.check("11.0.0.1", "ipv4"), false);
    assert.equal(list.check("::1", "ipv6"), true);
  });

  it("cidrList validates every entry when the configuration loads", () => {
    const spec = { ranges: cidrList({ env: "X_RANGES", doc: "ranges" }) };
    assert.deepEqual(loadConfig(spec, { env: { X_RANGES: "127.0.0.1, 10.0.0.0/8" } }).ranges, [
      "127.0.0.1",
      "10.0.0.0/8",
    ]);
    assert.throws(
      () => loadConfig(spec, { env: { X_RANGES: "127.0.0.1,10.0.0.0/99" } }),
      /X_RANGES: bad prefix length/,
    );
  });
});
