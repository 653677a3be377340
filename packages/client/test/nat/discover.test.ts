/**
 * getNATInfo against our STUN service on loopback (no NAT in between): with RFC 5780 on 127.0.0.1 + 127.0.0.2,
 * with one address only, and against a port where nothing answers. NAT routers are covered by the NAT lab
 * (test/nat-lab).
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { getNATInfo, getRecommendedStrategy, NATDiscoveryError } from "../../src/node.js";
import { randomPortPair, startStunService, type StunService } from "./stun-service.js";

/** For the test that expects no answer: give up after 700 ms. */
const quick = { rtoMs: 100, requests: 3, lastWaitFactor: 4 };
/** Where answers are expected: a slow (loaded) machine must not turn a late answer into "no answer". */
const patient = { rtoMs: 250, requests: 5, lastWaitFactor: 8 };

async function startWithRetry(env: (port: number) => Record<string, string>): Promise<StunService> {
  let last: unknown;
  for (let i = 0; i < 5; i++) {
    const port = randomPortPair();
    try {
      return await startStunService({ STUN_PORT: String(port), ...env(port) });
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

describe("getNATInfo against an RFC 5780 server (two addresses)", () => {
  let stun: StunService;
  beforeAll(async () => {
    stun = await startWithRetry((port) => ({
      STUN_HOST: "127.0.0.1",
      STUN_ALT_HOST: "127.0.0.2",
      STUN_ALT_PORT: String(port + 1),
    }));
  });
  afterAll(() => stun.stop());

  it("reports no NAT, open filtering and a direct strategy", async () => {
    const info = await getNATInfo({ servers: [`127.0.0.1:${stun.port}`], retransmit: patient });
    assert.equal(info.udpBlocked, false);
    assert.equal(info.rfc5780, true);
    assert.equal(info.natPresent, false);
    assert.equal(info.publicAddress?.address, "127.0.0.1");
    assert.equal(info.publicAddress?.port, info.localAddress?.port);
    assert.equal(info.mapping, "endpoint-independent");
    assert.equal(info.filtering, "endpoint-independent");
    assert.equal(info.natType, "open");
    assert.equal(info.server, `127.0.0.1:${stun.port}`);
    assert.deepEqual(info.undetermined, []);
    assert.equal(getRecommendedStrategy(info).strategy, "direct");
  });

  it("takes a stun: URI and prefers the RFC 5780 server over a silent one listed first", async () => {
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    try {
      const info = await getNATInfo({
        servers: [`127.0.0.1:${silent.address().port}`, `stun:127.0.0.1:${stun.port}`],
        retransmit: patient,
      });
      assert.equal(info.server, `127.0.0.1:${stun.port}`);
      assert.equal(info.natType, "open");
    } finally {
      silent.close();
    }
  });
});

describe("getNATInfo against a one-address server", () => {
  let stun: StunService;
  beforeAll(async () => {
    stun = await startWithRetry(() => ({ STUN_HOST: "127.0.0.1" }));
  });
  afterAll(() => stun.stop());

  it("says what it could tell (public address, no NAT) and what not (filtering)", async () => {
    const info = await getNATInfo({ servers: [`127.0.0.1:${stun.port}`], retransmit: patient });
    assert.equal(info.udpBlocked, false);
    assert.equal(info.rfc5780, false);
    assert.equal(info.publicAddress?.address, "127.0.0.1");
    assert.equal(info.natPresent, false);
    assert.equal(info.mapping, "endpoint-independent");
    assert.equal(info.filtering, "unknown");
    assert.equal(info.natType, "open");
    assert.ok(
      info.undetermined.some((s) => s.startsWith("filtering behaviour")),
      info.undetermined.join("; "),
    );
  });
});

describe("getNATInfo without any answer", () => {
  it("reports UDP blocked after the retransmission schedule", async () => {
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    let received = 0;
    silent.on("message", () => received++);
    try {
      const started = Date.now();
      const info = await getNATInfo({ servers: [`127.0.0.1:${silent.address().port}`], retransmit: quick });
      const took = Date.now() - started;
      assert.equal(info.udpBlocked, true);
      assert.equal(info.natType, "udp-blocked");
      assert.equal(info.publicAddress, undefined);
      assert.equal(received, 3, "one request and two retransmissions");
      // 0, 100, 300 sent; give up at 300 + 4 × 100 = 700 ms.
      assert.ok(took >= 650 && took < 10_000, `took ${took} ms`);
      assert.equal(getRecommendedStrategy(info).strategy, "turn");
    } finally {
      silent.close();
    }
  });

  it("rejects a malformed server address and an empty list", async () => {
    await assert.rejects(getNATInfo({ servers: ["127.0.0.1:99999"] }), (e: unknown) => {
      assert.ok(e instanceof NATDiscoveryError);
      assert.equal(e.code, "bad_stun_server");
      return true;
    });
    await assert.rejects(getNATInfo({ servers: [] }), (e: unknown) => {
      assert.ok(e instanceof NATDiscoveryError);
      assert.equal(e.code, "no_stun_server");
      return true;
    });
  });
});
