import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { StunErrorReply } from "../errors.js";
import { AllocationManager, type AllocationManagerOptions } from "./allocation-manager.js";
import { PortPool } from "./port-pool.js";
import type { RelaySocket, RelaySocketFactory } from "./relay-socket.js";
import { fiveTupleKey, type ClientLink } from "./types.js";
import { FairShareLimiter } from "./fair-share.js";

interface FakeRelay extends RelaySocket {
  closed: boolean;
}

function setup(overrides: Partial<AllocationManagerOptions> = {}, busy: ReadonlySet<number> = new Set()) {
  const clock = new ManualClock();
  const sockets: FakeRelay[] = [];
  const deleted: string[] = [];
  const factory: RelaySocketFactory = (req) => {
    if (busy.has(req.port)) return Promise.reject(Object.assign(new Error("in use"), { code: "EADDRINUSE" }));
    const s: FakeRelay = {
      family: req.family,
      port: req.port,
      closed: false,
      send() {},
      close() {
        s.closed = true;
      },
    };
    sockets.push(s);
    return Promise.resolve(s);
  };
  const manager = new AllocationManager({
    clock,
    relayFactory: factory,
    relayEndpoints: [
      { family: 4, bind: "0.0.0.0", advertised: "203.0.113.1" },
      { family: 6, bind: "::", advertised: "2001:db8::1" },
    ],
    ports: new PortPool({ min: 50000, max: 50003, clock }),
    maxAllocations: 3,
    userQuota: 2,
    bandwidth: new FairShareLimiter({
      clock,
      totalBytesPerSecond: 0,
      userBytesPerSecond: 0,
      userBurstBytes: 0,
      allocationBytesPerSecond: 0,
    }),
    maxPermissions: 8,
    maxChannels: 8,
    onPeerData: () => {},
    onDeleted: (a, reason) => deleted.push(`${a.key}:${reason}`),
    ...overrides,
  });
  return { clock, sockets, deleted, manager };
}

let nextPort = 1;
function client(): ClientLink {
  const remote = { address: "198.51.100.1", port: nextPort++, family: 4 as const };
  const local = { address: "192.0.2.1", port: 3479, family: 4 as const };
  return {
    transport: "udp",
    remote,
    local,
    key: fiveTupleKey("udp", remote, local),
    stream: false,
    send() {},
  };
}

const request = (over: Record<string, unknown> = {}) => ({
  client: client(),
  username: "alice",
  quotaKey: "u:alice",
  integrityKey: new Uint8Array(16),
  transactionId: "t1",
  families: [4] as const,
  lifetimeSeconds: 600,
  ...over,
});

const rejects = async (p: Promise<unknown>, code: number) =>
  assert.rejects(p, (err) => err instanceof StunErrorReply && err.code === code);

describe("allocation manager", () => {
  it("creates an allocation with an advertised relay address and expires it on the clock", async () => {
    const { manager, clock, sockets, deleted } = setup();
    const { allocation } = await manager.create(request());
    const relay = allocation.relays.get(4);
    assert.equal(relay?.advertised.address, "203.0.113.1");
    assert.ok(relay.advertised.port >= 50000 && relay.advertised.port <= 50003);
    assert.equal(manager.get(allocation.key), allocation);
    clock.advance(599_999);
    manager.sweep();
    assert.equal(manager.size, 1);
    clock.advance(1);
    manager.sweep();
    assert.equal(manager.size, 0);
    assert.ok(sockets[0]?.closed);
    assert.deepEqual(deleted, [`${allocation.key}:expired`]);
  });

  it("refresh extends, lifetime 0 deletes and frees the port", async () => {
    const { manager, clock } = setup();
    const { allocation } = await manager.create(request());
    clock.advance(500_000);
    manager.refresh(allocation, 600);
    clock.advance(500_000);
    manager.sweep();
    assert.equal(manager.size, 1);
    manager.refresh(allocation, 0);
    assert.equal(manager.size, 0);
    for (let i = 0; i < 2; i++) await manager.create(request({ quotaKey: `q${i}` }));
  });

  it("gives each allocation a bandwidth flow of its user and closes it on delete", async () => {
    const clock = new ManualClock();
    const bandwidth = new FairShareLimiter({
      clock,
      totalBytesPerSecond: 1_000_000,
      userBytesPerSecond: 0,
      userBurstBytes: 0,
      allocationBytesPerSecond: 0,
    });
    const { manager } = setup({ clock, bandwidth });
    const first = (await manager.create(request())).allocation;
    const second = (await manager.create(request())).allocation;
    await manager.create(request({ quotaKey: "u:bob" }));
    assert.ok(first.bandwidth !== undefined && second.bandwidth !== undefined);
    assert.equal(bandwidth.users, 2, "alice's two allocations belong to one user");
    manager.delete(first, "closed");
    manager.delete(second, "refresh");
    assert.equal(bandwidth.users, 1);
    manager.closeAll();
    assert.equal(bandwidth.users, 0);
  });

  it("refuses a second allocation on the same 5-tuple with 437", async () => {
    const { manager } = setup();
    const req = request();
    await manager.create(req);
    await rejects(manager.create(req), 437);
  });

  it("enforces the per-user quota (486) and the total (508)", async () => {
    const { manager } = setup();
    await manager.create(request());
    await manager.create(request());
    await rejects(manager.create(request()), 486);
    await manager.create(request({ quotaKey: "u:bob" }));
    await rejects(manager.create(request({ quotaKey: "u:carol" })), 508);
  });

  it("answers 508 when every port of the range is taken", async () => {
    const { manager } = setup({}, new Set([50000, 50001, 50002, 50003]));
    await rejects(manager.create(request()), 508);
    assert.equal(manager.size, 0);
  });

  it("EVEN-PORT with R reserves the next port under a token that a later Allocate redeems", async () => {
    const { manager } = setup();
    const first = await manager.create(request({ evenPort: { reserveNext: true } }));
    const port = first.allocation.relays.get(4)?.advertised.port ?? -1;
    assert.equal(port % 2, 0);
    assert.ok(first.reservationToken);
    const second = await manager.create(request({ reservationToken: first.reservationToken, quotaKey: "b" }));
    assert.equal(second.allocation.relays.get(4)?.advertised.port, port + 1);
    await rejects(manager.create(request({ reservationToken: first.reservationToken, quotaKey: "c" })), 508);
  });

  it("dual allocation binds both families; a missing family is reported, not fatal", async () => {
    const { manager } = setup();
    const dual = await manager.create(request({ families: [4, 6] }));
    assert.deepEqual([...dual.allocation.relays.keys()], [4, 6]);
    const only4 = setup({ relayEndpoints: [{ family: 4, bind: "0.0.0.0", advertised: "203.0.113.1" }] });
    const r = await only4.manager.create(request({ families: [4, 6] }));
    assert.deepEqual([...r.allocation.relays.keys()], [4]);
    assert.equal(r.failedFamilies[0]?.error.code, 440);
    await rejects(only4.manager.create(request({ families: [6] })), 440);
  });

  it("closeAll deletes everything", async () => {
    const { manager, sockets } = setup();
    await manager.create(request());
    manager.closeAll();
    assert.equal(manager.size, 0);
    assert.ok(sockets.every((s) => s.closed));
  });
});
