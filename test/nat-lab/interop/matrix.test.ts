/**
 * The NAT lab's connection matrix (needs root, iproute2, iptables): a `switchboard peer` behind each kind of
 * router connects to one behind each kind through our signaling, STUN and TURN. Every pair connects; the pairs
 * the strategy expects to hole punch do so without TURN; symmetric ↔ symmetric and symmetric ↔ port-restricted
 * go through our TURN (measured by TURN's relayed-byte counter, not by what the SDK reports). Then a connection
 * idle for longer than the routers' UDP timeout still carries data.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Lab } from "../lab.js";
import { connectPair, directExpected, matrixTable, measureMatrix, type PairResult } from "../matrix.js";

/** The routers forget a UDP binding after this many seconds without traffic. */
const UDP_TIMEOUT_SEC = 10;

describe("NAT lab: the connection matrix", { timeout: 280_000 }, () => {
  let lab: Lab;
  let results: PairResult[];
  before(async () => {
    lab = await Lab.create({ sides: 2, services: true, udpTimeoutSec: UDP_TIMEOUT_SEC });
    results = await measureMatrix(lab);
  });
  after(() => lab?.destroy());

  it("connects every pair and carries data", () => {
    assert.equal(results.length, 15);
    for (const r of results) {
      assert.ok(
        r.connected && r.delivered,
        `${r.a} ↔ ${r.b} failed\n${matrixTable(results)}\n${r.output.slice(-4000)}`,
      );
    }
  });

  it("hole punches without TURN where the strategy expects a direct connection, relays where it does not", () => {
    const table = matrixTable(results);
    for (const r of results) {
      const expected = directExpected(r.a, r.b);
      assert.notEqual(expected, undefined);
      assert.equal(r.viaTurn, !expected, `${r.a} ↔ ${r.b}: relayed ${r.relayedBytes} bytes\n${table}`);
    }
    const turn = results.filter((r) => r.viaTurn).map((r) => [r.a, r.b].sort().join(" ↔ "));
    assert.deepEqual(turn.sort(), ["port-restricted-cone ↔ symmetric", "symmetric ↔ symmetric"]);
  });

  it(`keeps the NAT bindings alive: a direct connection idle for ${2 * UDP_TIMEOUT_SEC + 5} s still carries data`, async () => {
    const r = await connectPair(
      lab,
      "port-restricted-cone",
      "port-restricted-cone",
      (2 * UDP_TIMEOUT_SEC + 5) * 1000,
    );
    assert.ok(r.connected, r.output.slice(-4000));
    assert.equal(r.delivered, true, r.output.slice(-4000));
    assert.equal(r.viaTurn, false, "still direct");
  });
});
