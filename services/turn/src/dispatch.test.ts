/** Dispatch and handlers without sockets: a fake client link, a fake relay factory and a manual clock. */
import { describe, it } from "@jest/globals";
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
import { KeyedRateLimiter } from "@switchboard/runtime";
import { createTurnMetrics } from "./metrics.js";
import { createPeerPolicy } from "./policy/peer-address.js";
import { AllocationManager } from "./state/allocation-manager.js";
import { PortPool } from "./state/port-pool.js";
import type { RelaySocketFactory } from "./state/relay-socket.js";
import { fiveTupleKey, type ClientLink } from "./state/types.js";
import { FairShareLimiter } from "./state/fair-share.js";

type DispatcherExtra = Partial<ConstructorParameters<typeof Dispatcher>[0]>;

function setup(extra: (clock: ManualClock) => DispatcherExtra = () => ({})) {
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
    ...extra(clock),
  });
  const replies: StunMessage[] = [];
  const raw: Uint8Array[] = [];
  const remote = { address: "198.51.100.7", port: 40000, family: 4 as const };
  const local = { address: "192.0.2.1", port: 3479, family: 4 as const };
  const link: ClientLink = {
    transport: "udp",
    remote,
    local,
    key: fiveTupleKey("udp", remote, local),
    stream: false,
    send: (chunks) => {
      for (const c of chunks)
        if (c[0] !== undefined && c[0] < 4) {
          raw.push(c);
          replies.push(decodeStunMessage(c));
        }
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
  /** Sends a request without credentials (as a spoofed source would) and returns the raw reply, if any. */
  const unauthenticated = async (method: number): Promise<Uint8Array | undefined> => {
    const bytes = encodeStunMessage({ method, cls: StunClass.Request, transactionId: newTransactionId() });
    const before = raw.length;
    dispatcher.onPacket(link, Buffer.from(bytes));
    for (let i = 0; i < 20 && raw.length === before; i++) await new Promise((r) => setImmediate(r));
    return raw.length === before ? undefined : raw.at(-1);
  };
  return { clock, allocations, request, code, transport, sentToPeers, dispatcher, link, unauthenticated };
}

describe("reflection: answers to requests without credentials", () => {
  it("are minimal: no SOFTWARE, a short NONCE; authenticated answers keep SOFTWARE", async () => {
    const t = setup(() => ({ software: "Switchboard TURN" }));
    const challenge = await t.unauthenticated(StunMethod.Allocate);
    assert.ok(challenge !== undefined);
    const msg = decodeStunMessage(challenge);
    assert.equal(t.code(msg), 401);
    assert.equal(getAttribute(msg, AttributeType.Software), undefined);
    const nonce = getAttribute(msg, AttributeType.Nonce);
    assert.ok(nonce !== undefined && nonce.value.length <= 21, `NONCE of ${nonce?.value.length} bytes`);
    // 20-byte request: header, ERROR-CODE "Unauthorized", REALM "r", NONCE, FINGERPRINT.
    assert.ok(challenge.length <= 88, `${challenge.length}-byte 401 to a 20-byte request`);
    const binding = await t.unauthenticated(StunMethod.Binding);
    assert.ok(binding !== undefined);
    assert.equal(getAttribute(decodeStunMessage(binding), AttributeType.Software), undefined);
    await t.request(StunMethod.Allocate, t.transport);
    const ok = await t.request(StunMethod.Allocate, t.transport);
    assert.equal(ok.cls, StunClass.SuccessResponse);
    assert.ok(getAttribute(ok, AttributeType.Software) !== undefined);
  });

  it("are bounded in bytes per source, not only in count", async () => {
    const t = setup((clock) => ({
      unauthenticatedLimiter: new KeyedRateLimiter(
        { capacity: 1000, refillPerSecond: 500, maxKeys: 10 },
        clock,
      ),
      unauthenticatedBytes: new KeyedRateLimiter({ capacity: 300, refillPerSecond: 150, maxKeys: 10 }, clock),
    }));
    const sizes: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) sizes.push((await t.unauthenticated(StunMethod.Allocate))?.length);
    const sent = sizes.filter((n): n is number => n !== undefined);
    assert.ok(sent.length >= 3 && sent.length < 6, `${sent.length} answers`);
    assert.ok(sent.reduce((a, b) => a + b, 0) <= 300);
    assert.equal(sizes.at(-1), undefined);
  });
});

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

  it("gives a Refresh asking for less than the default the default lifetime (RFC 8656 §7.3); 0 still deletes", async () => {
    const t = setup();
    await t.request(StunMethod.Allocate, t.transport);
    await t.request(StunMethod.Allocate, t.transport);
    const lifetime = (seconds: number) => () => [
      { type: AttributeType.Lifetime, value: Uint8Array.of(0, 0, (seconds >> 8) & 0xff, seconds & 0xff) },
    ];
    const granted = (m: StunMessage) => {
      const a = getAttribute(m, AttributeType.Lifetime);
      return a === undefined ? undefined : Buffer.from(a.value).readUInt32BE(0);
    };
    assert.equal(granted(await t.request(StunMethod.Refresh, lifetime(1))), 600);
    t.clock.advance(2_000);
    t.allocations.sweep();
    assert.equal(t.allocations.size, 1);
    assert.equal(granted(await t.request(StunMethod.Refresh, lifetime(1200))), 1200);
    assert.equal(granted(await t.request(StunMethod.Refresh, lifetime(9999))), 3600);
    assert.equal(granted(await t.request(StunMethod.Refresh, lifetime(0))), 0);
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
