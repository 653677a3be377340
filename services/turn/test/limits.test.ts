/** Integration: quotas, connection-bound allocations, wrong credentials and the admin endpoints. */
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { StunClass, StunMethod, encodeStunMessage, newTransactionId } from "@switchboard/stun-codec";
import { startEchoPeer, startTurn, type EchoPeer, type Harness } from "./support/harness.js";
import { TestTurnClient, errorCode } from "@switchboard/test-support";
import { issueTurnCredentials } from "@switchboard/turn-credentials";

describe("TURN limits", () => {
  const cleanup: Array<() => unknown> = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });
  const start = async (env: Record<string, string> = {}): Promise<[Harness, EchoPeer]> => {
    const h = await startTurn(env);
    const peer = await startEchoPeer();
    cleanup.push(
      () => h.close(),
      () => peer.close(),
    );
    return [h, peer];
  };
  const open = async (
    h: Harness,
    transport: "udp" | "tcp" = "udp",
    username = "alice",
    password = "alice-pw",
  ) => {
    const c = new TestTurnClient({ transport, server: h[transport], username, password });
    await c.open();
    cleanup.push(() => c.close());
    return c;
  };

  it("answers 486 beyond the per-user quota and 508 beyond the total", async () => {
    const [h] = await start({ TURN_USER_QUOTA: "2", TURN_MAX_ALLOCATIONS: "3" });
    const results: Array<number | undefined> = [];
    for (let i = 0; i < 3; i++) results.push(errorCode(await (await open(h)).allocate()));
    assert.deepEqual(results, [undefined, undefined, 486]);
    assert.equal(errorCode(await (await open(h, "udp", "bob", "bob-pw")).allocate()), undefined);
    assert.equal(errorCode(await (await open(h, "udp", "bob", "bob-pw")).allocate()), 508);
  });

  it("counts REST users by user part across expiries; REST usernames without one are refused (486) by default", async () => {
    const [h] = await start({ TURN_SECRET: "rest-secret", TURN_USER_QUOTA: "1" });
    const now = Date.now();
    const rest = async (userId: string | undefined, ttlSeconds: number) => {
      const creds = issueTurnCredentials({
        secret: "rest-secret",
        ttlSeconds,
        nowMs: now,
        ...(userId === undefined ? {} : { userId }),
      });
      return errorCode(await (await open(h, "udp", creds.username, creds.credential)).allocate());
    };
    // A new expiry (a new hello a second later) is the same user: no fresh quota.
    assert.deepEqual([await rest("s1", 600), await rest("s1", 601)], [undefined, 486]);
    assert.equal(await rest("s2", 600), undefined);
    // No user part: every new expiry used to be a quota of its own.
    assert.deepEqual([await rest(undefined, 600), await rest(undefined, 601)], [486, 486]);
  });

  it("gives REST usernames without a user part one small shared quota when TURN_REST_NO_USER_QUOTA is set", async () => {
    const [h] = await start({ TURN_SECRET: "rest-secret", TURN_REST_NO_USER_QUOTA: "2" });
    const results: Array<number | undefined> = [];
    for (let i = 0; i < 3; i++) {
      const creds = issueTurnCredentials({ secret: "rest-secret", ttlSeconds: 600 + i, nowMs: Date.now() });
      results.push(errorCode(await (await open(h, "udp", creds.username, creds.credential)).allocate()));
    }
    assert.deepEqual(results, [undefined, undefined, 486]);
  });

  it("answers 508 when the relay port range is exhausted", async () => {
    const [h] = await start({ TURN_MIN_PORT: "47000", TURN_MAX_PORT: "47000" });
    assert.equal(errorCode(await (await open(h)).allocate()), undefined);
    assert.equal(errorCode(await (await open(h)).allocate()), 508);
  });

  it("limits relayed bytes per second per allocation (both directions share the budget)", async () => {
    const [h, peer] = await start({ TURN_ALLOCATION_BPS: "3000" });
    const c = await open(h);
    await c.allocate();
    assert.equal(errorCode(await c.channelBind(0x4000, peer.address)), undefined);
    c.sendChannelData(0x4000, Buffer.alloc(500));
    await c.waitForData(1);
    for (let i = 0; i < 20; i++) c.sendChannelData(0x4000, Buffer.alloc(500));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(c.received.length < 6, `${c.received.length} echoes passed a 3000 B/s budget`);
    const metrics = await h.server.registry.getSingleMetricAsString("turn_dropped_packets_total");
    assert.match(metrics, /reason="quota"/);
  });

  it("ends a TCP allocation when its connection closes", async () => {
    const [h] = await start();
    const c = await open(h, "tcp");
    await c.allocate();
    assert.equal(h.server.allocations.size, 1);
    c.close();
    const deadline = Date.now() + 3000;
    while (h.server.allocations.size > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(h.server.allocations.size, 0);
  });

  it("answers 441 when other credentials act on an allocation", async () => {
    const [h, peer] = await start();
    const c = await open(h);
    await c.allocate();
    c.switchUser("bob", "bob-pw");
    assert.equal(errorCode(await c.createPermission(peer.address)), 441);
    assert.equal(errorCode(await c.refresh(0)), 441);
    assert.equal(h.server.allocations.size, 1);
  });

  it("counts requests by method and result and auth failures by reason, with no addresses as labels", async () => {
    const [h] = await start();
    const c = await open(h, "udp", "alice", "nope");
    await c.allocate();
    const text = await h.server.registry.metrics();
    assert.match(text, /turn_requests_total\{method="Allocate",result="401"\} 2/);
    assert.match(text, /turn_auth_failures_total\{reason="bad_integrity"\} 1/);
    assert.doesNotMatch(text, /127\.0\.0\.1|alice/);
  });
});

describe("unauthenticated answers", () => {
  it("are rate-limited per source address (reflection bound)", async () => {
    const h = await startTurn({ TURN_UNAUTH_RATE: "5" });
    const c = new TestTurnClient({
      transport: "udp",
      server: h.udp,
      username: "alice",
      password: "alice-pw",
    });
    try {
      await c.open();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => {
          const tid = newTransactionId();
          const bytes = encodeStunMessage({
            method: StunMethod.Binding,
            cls: StunClass.Request,
            transactionId: tid,
          });
          return c.transact(bytes, tid, 1000);
        }),
      );
      const answered = results.filter((r) => r.status === "fulfilled").length;
      assert.ok(answered >= 5 && answered < 20, `${answered} of 20 Binding requests answered at 5/s`);
      const metrics = await h.server.registry.getSingleMetricAsString("turn_dropped_packets_total");
      assert.match(metrics, /reason="rate_limited"/);
    } finally {
      c.close();
      await h.close();
    }
  });
});
