/** Dispatch and handlers without sockets: a fake client link, a fake relay factory and a manual clock. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, createLogger, createMetricsRegistry } from "@switchboard/runtime";
import {
  AttributeType,
  StunClass,
  StunMethod,
  decodeErrorCode,
  decodeStunMessage,
  decodeText,
  encodeStunMessage,
  getAttribute,
  newTransactionId,
  textAttribute,
  xorAddressAttribute,
  type StunAttribute,
  type StunMessage,
} from "@switchboard/stun-codec";
import { Authenticator } from "./auth/authenticate.js";
import { CredentialStore, longTermKey } from "./auth/credentials.js";
import { NonceIssuer } from "./auth/nonce.js";
import { DataPlane } from "./data-plane.js";
import { Dispatcher } from "./dispatch.js";
import { createTurnMetrics } from "./metrics.js";
import { createPeerPolicy } from "./policy/peer-address.js";
import { AllocationManager } from "./state/allocation-manager.js";
import { PortPool } from "./state/port-pool.js";
import type { RelaySocketFactory } from "./state/relay-socket.js";
import { fiveTupleKey, type ClientLink } from "./state/types.js";
import { FairShareLimiter } from "./state/fair-share.js";

function setup() {
  const clock = new ManualClock();
  const sentToPeers: Array<{ data: Uint8Array; port: number; address: string }> = [];
  const factory: RelaySocketFactory = (req) =>
    Promise.resolve({
      family: req.family,
      port: req.port,
      send: (data: Uint8Array, port: number, address: string) =>
        void sentToPeers.push({ data, port, address }),
      close: () => {},
    });
  const allocations: AllocationManager = new AllocationManager({
    clock,
    relayFactory: factory,
    relayEndpoints: [{ family: 4, bind: "192.0.2.1", advertised: "192.0.2.1" }],
    ports: new PortPool({ min: 50000, max: 50100, clock }),
    maxAllocations: 10,
    userQuota: 10,
    bandwidth: new FairShareLimiter({
      clock,
      totalBytesPerSecond: 0,
      userBytesPerSecond: 0,
      userBurstBytes: 0,
      allocationBytesPerSecond: 0,
    }),
    maxPermissions: 10,
    maxChannels: 10,
    onPeerData: (a, d, f) => dataPlane.fromPeer(a, d, f),
  });
  const policy = createPeerPolicy({ allowed: [], denied: [] });
  const metrics = createTurnMetrics(createMetricsRegistry(), {
    allocations: () => allocations.size,
    permissions: () => 0,
    channels: () => 0,
  });
  const dataPlane = new DataPlane({ allocations, policy, metrics });
  const dispatcher = new Dispatcher({
    ctx: {
      clock,
      allocations,
      policy,
      metrics,
      logger: createLogger({ name: "t", level: "silent" }),
      lifetimes: { defaultSeconds: 600, maxSeconds: 3600 },
    },
    auth: new Authenticator(
      new CredentialStore({ realm: "r", users: ["alice:pw"], secrets: [], clock }),
      new NonceIssuer({ lifetimeSeconds: 600, clock }),
    ),
    dataPlane,
    software: undefined,
    onClosed: () => {},
  });
  const replies: StunMessage[] = [];
  const remote = { address: "198.51.100.7", port: 40000, family: 4 as const };
  const local = { address: "192.0.2.1", port: 3479, family: 4 as const };
  const link: ClientLink = {
    transport: "udp",
    remote,
    local,
    key: fiveTupleKey("udp", remote, local),
    stream: false,
    send: (chunks) => {
      for (const c of chunks) if (c[0] !== undefined && c[0] < 4) replies.push(decodeStunMessage(c));
    },
  };
  let nonce = "";
  const key = longTermKey("alice", "r", "pw");
  /** Sends an authenticated request and resolves with the reply. */
  const request = async (method: number, attrs: (tid: Uint8Array) => StunAttribute[] = () => []) => {
    const tid = newTransactionId();
    const bytes = encodeStunMessage(
      {
        method,
        cls: StunClass.Request,
        transactionId: tid,
        attributes: [
          ...attrs(tid),
          textAttribute(AttributeType.Username, "alice"),
          textAttribute(AttributeType.Realm, "r"),
          textAttribute(AttributeType.Nonce, nonce),
        ],
      },
      { integrity: { key } },
    );
    const before = replies.length;
    dispatcher.onPacket(link, Buffer.from(bytes));
    for (let i = 0; i < 20 && replies.length === before; i++) await new Promise((r) => setImmediate(r));
    const reply = replies.at(-1) as StunMessage;
    const n = getAttribute(reply, AttributeType.Nonce);
    if (n) nonce = decodeText(n.value, AttributeType.Nonce);
    return reply;
  };
  const code = (m: StunMessage) => {
    const a = getAttribute(m, AttributeType.ErrorCode);
    return a ? decodeErrorCode(a.value).code : undefined;
  };
  const transport = () => [{ type: AttributeType.RequestedTransport, value: Uint8Array.of(17, 0, 0, 0) }];
  return { clock, allocations, request, code, transport, sentToPeers, dispatcher, link };
}

describe("dispatch and handlers", () => {
  it("401 without a nonce, success with one, 438 once the nonce is older than its lifetime", async () => {
    const t = setup();
    assert.equal(t.code(await t.request(StunMethod.Allocate, t.transport)), 438);
    const ok = await t.request(StunMethod.Allocate, t.transport);
    assert.equal(ok.cls, StunClass.SuccessResponse);
    t.clock.advance(601_000);
    assert.equal(t.code(await t.request(StunMethod.Refresh)), 438);
    assert.equal(t.code(await t.request(StunMethod.Refresh)), undefined);
  });

  it("expires the allocation on the clock unless refreshed", async () => {
    const t = setup();
    await t.request(StunMethod.Allocate, t.transport);
    await t.request(StunMethod.Allocate, t.transport);
    assert.equal(t.allocations.size, 1);
    t.clock.advance(500_000);
    await t.request(StunMethod.Refresh);
    t.clock.advance(500_000);
    t.allocations.sweep();
    assert.equal(t.allocations.size, 1);
    t.clock.advance(100_001);
    t.allocations.sweep();
    assert.equal(t.allocations.size, 0);
  });

  it("relays Send only with a live permission, which lapses after 300 s", async () => {
    const t = setup();
    await t.request(StunMethod.Allocate, t.transport);
    await t.request(StunMethod.Allocate, t.transport);
    const peer = { family: "IPv4" as const, address: "8.8.8.8", port: 53 };
    const perm = await t.request(StunMethod.CreatePermission, (tid) => [
      xorAddressAttribute(AttributeType.XorPeerAddress, peer, tid),
    ]);
    assert.equal(t.code(perm), undefined);
    const send = () => {
      const tid = newTransactionId();
      const bytes = encodeStunMessage({
        method: StunMethod.Send,
        cls: StunClass.Indication,
        transactionId: tid,
        attributes: [
          xorAddressAttribute(AttributeType.XorPeerAddress, peer, tid),
          { type: AttributeType.Data, value: Buffer.from("hi") },
        ],
      });
      t.dispatcher.onPacket(t.link, Buffer.from(bytes));
    };
    send();
    assert.equal(t.sentToPeers.length, 1);
    t.clock.advance(300_000);
    send();
    assert.equal(t.sentToPeers.length, 1);
  });

  it("refuses a private peer with 403 and an unknown method with 400", async () => {
    const t = setup();
    await t.request(StunMethod.Allocate, t.transport);
    await t.request(StunMethod.Allocate, t.transport);
    const res = await t.request(StunMethod.CreatePermission, (tid) => [
      xorAddressAttribute(
        AttributeType.XorPeerAddress,
        { family: "IPv4", address: "10.1.1.1", port: 1 },
        tid,
      ),
    ]);
    assert.equal(t.code(res), 403);
    assert.equal(t.code(await t.request(0x0ff)), 400);
  });
});
