/**
 * The NAT lab (needs root, iproute2, iptables): `switchboard nat` behind a full cone, a restricted cone, a
 * port-restricted cone and a symmetric router, and on a host without NAT, reports the kind each really is.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Lab } from "../lab.js";
import { EXPECTED_TYPE, measureNatTypes, natTypesTable, type NatTypeRow } from "../nat-types.js";

describe("NAT lab: switchboard nat behind each kind of router", () => {
  let lab: Lab;
  let rows: NatTypeRow[];
  beforeAll(async () => {
    lab = await Lab.create();
    rows = await measureNatTypes(lab);
  }, 120_000);
  afterAll(() => lab?.destroy(), 120_000);

  it("reports the kind of every router (5 of 5)", () => {
    const table = natTypesTable(rows);
    for (const r of rows) {
      assert.equal(r.code, 0, `${r.kind}: ${r.output}`);
      assert.equal(r.report?.natType, EXPECTED_TYPE[r.kind], `${r.kind}\n${table}`);
      assert.equal(r.report.udpBlocked, false);
      assert.equal(r.report.rfc5780, true);
    }
  }, 120_000);

  it("reports each router's behaviours and public address", () => {
    const by = new Map(rows.map((r) => [r.kind, r.report]));
    const expected: Record<string, [string, string, string]> = {
      open: ["endpoint-independent", "endpoint-independent", "203.0.113.50"],
      "full-cone": ["endpoint-independent", "endpoint-independent", "203.0.113.11"],
      "restricted-cone": ["endpoint-independent", "address-dependent", "203.0.113.12"],
      "port-restricted-cone": ["endpoint-independent", "address-and-port-dependent", "203.0.113.13"],
      symmetric: ["address-and-port-dependent", "address-and-port-dependent", "203.0.113.14"],
    };
    for (const [kind, [mapping, filtering, address]] of Object.entries(expected)) {
      const r = by.get(kind as NatTypeRow["kind"]);
      assert.equal(r?.mapping, mapping, kind);
      assert.equal(r.filtering, filtering, kind);
      assert.equal(r.publicAddress?.address, address, kind);
      assert.equal(r.natPresent, kind !== "open", kind);
    }
    // Linux masquerading does not loop packets for its own WAN address back inside
    for (const kind of ["full-cone", "restricted-cone", "port-restricted-cone", "symmetric"] as const) {
      assert.equal(by.get(kind)?.hairpinning, false, kind);
    }
    assert.equal(by.get("open")?.strategy.strategy, "direct");
    assert.equal(by.get("symmetric")?.strategy.strategy, "turn");
  }, 120_000);

  it("leaves no namespace behind", async () => {
    await lab.destroy();
    const { execFileSync } = await import("node:child_process");
    assert.ok(!execFileSync("ip", ["netns", "list"]).toString().includes(`nat-${lab.suffix}-`));
  }, 120_000);
});
