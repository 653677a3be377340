/**
 * The NAT lab's connection matrix (needs root, iproute2, iptables): a `switchboard peer` behind each kind of
 * router connects to one behind each kind through our signaling, STUN and TURN. Every pair connects; the pairs
 * the strategy expects to hole punch connect directly with TURN offered (the SDK's direct first: the first attempt
 * gets STUN only, TURN is added after `directFirstMs`); symmetric ↔ symmetric and symmetric ↔
 * port-restricted go through our TURN. The path is measured by TURN's relayed-byte counter, not taken from the
 * SDK's reported method. Then a connection idle for longer than the routers' UDP timeout still carries data.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Lab, SIGNALING_URL_NO_TURN } from "../lab.js";
import {
  connectPair,
  directExpected,
  holePunched,
  matrixTable,
  measureMatrix,
  type PairResult,
} from "../matrix.js";

/** The routers forget a UDP binding after this many seconds without traffic. */
const UDP_TIMEOUT_SEC = 10;

describe("NAT lab: the connection matrix", () => {
  let lab: Lab;
  let results: PairResult[];
  beforeAll(async () => {
    lab = await Lab.create({ sides: 2, services: true, udpTimeoutSec: UDP_TIMEOUT_SEC });
    results = await measureMatrix(lab);
  }, 280_000);
  afterAll(() => lab?.destroy(), 280_000);

  it("connects every pair and carries data", () => {
    assert.equal(results.length, 15);
    for (const r of results) {
      assert.ok(
        r.connected && r.delivered,
        `${r.a} ↔ ${r.b} failed\n${matrixTable(results)}\n${r.output.slice(-4000)}`,
      );
    }
  }, 280_000);

  it("hole punches where the strategy expects a direct connection, relays through our TURN where it does not", () => {
    const table = matrixTable(results);
    for (const r of results) {
      const expected = directExpected(r.a, r.b);
      assert.notEqual(expected, undefined);
      const what = `${r.a} ↔ ${r.b}: relayed ${r.relayedBytes} bytes\n${table}`;
      if (expected === true) {
        // Hole punching works for the pair: it ends direct although TURN is offered.
        assert.ok(holePunched(r), what);
      } else {
        assert.equal(r.viaTurn, true, what);
      }
    }
    const turn = results
      .filter((r) => directExpected(r.a, r.b) === false)
      .map((r) => [r.a, r.b].sort().join(" ↔ "));
    assert.deepEqual(turn.sort(), ["port-restricted-cone ↔ symmetric", "symmetric ↔ symmetric"]);
  }, 280_000);

  it("needs TURN for those: with only STUN offered, symmetric ↔ symmetric and ↔ port-restricted do not connect", async () => {
    const [ss, sp] = await Promise.all([
      connectPair(lab, "symmetric", "symmetric", {
        signalingUrl: SIGNALING_URL_NO_TURN,
        connectTimeoutMs: 20_000,
      }),
      connectPair(lab, "symmetric", "port-restricted-cone", {
        signalingUrl: SIGNALING_URL_NO_TURN,
        connectTimeoutMs: 20_000,
      }),
    ]);
    assert.equal(ss.connected, false, ss.output.slice(-2000));
    assert.equal(sp.connected, false, sp.output.slice(-2000));
  }, 280_000);

  it(`keeps the NAT bindings alive: a direct connection idle for ${2 * UDP_TIMEOUT_SEC + 5} s still carries data`, async () => {
    const r = await connectPair(lab, "port-restricted-cone", "port-restricted-cone", {
      idleMs: (2 * UDP_TIMEOUT_SEC + 5) * 1000,
    });
    assert.ok(r.connected, r.output.slice(-4000));
    assert.equal(r.delivered, true, r.output.slice(-4000));
    assert.equal(r.viaTurn, false, "still direct");
  }, 280_000);
});
