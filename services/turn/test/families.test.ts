/** Integration: IPv6 listeners and relays (RFC 6156), dual allocations (RFC 8656), EVEN-PORT + RESERVATION-TOKEN. */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  AttributeType,
  StunClass,
  decodeAddressErrorCode,
  decodeXorAddress,
  getAttribute,
  getAttributes,
} from "@switchboard/stun-codec";
import { startEchoPeer, startTurn, type EchoPeer, type Harness } from "./support/harness.js";
import { TestTurnClient, errorCode, relayedAddress } from "@switchboard/test-support";

const IPV6 = { family: 6 } as const;
const requestFamily = (f: 1 | 2) => ({
  type: AttributeType.RequestedAddressFamily,
  value: Uint8Array.of(f, 0, 0, 0),
});

describe("address families and port reservations", () => {
  let h: Harness;
  let peer4: EchoPeer;
  let peer6: EchoPeer;
  const clients: TestTurnClient[] = [];
  const open = async (server: { address: string; port: number }) => {
    const c = new TestTurnClient({ transport: "udp", server, username: "alice", password: "alice-pw" });
    await c.open();
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    h = await startTurn({
      TURN_HOST: "127.0.0.1,::1",
      TURN_ALLOWED_PEER_IPS: "127.0.0.1,::1",
      TURN_MIN_PORT: "42000",
      TURN_MAX_PORT: "42999",
    });
    peer4 = await startEchoPeer();
    peer6 = await startEchoPeer("::1");
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    peer4.close();
    peer6.close();
    await h.close();
  });

  it("relays IPv6 over an IPv6 listener with REQUESTED-ADDRESS-FAMILY", async () => {
    const udp6 = h.server.listeners?.udp.find((a) => a.family === IPV6.family);
    assert.ok(udp6);
    const c = await open(udp6);
    const res = await c.allocate([requestFamily(2)]);
    assert.equal(res.cls, StunClass.SuccessResponse, `error ${errorCode(res)}`);
    assert.equal(relayedAddress(res).address, "::1");
    assert.equal(errorCode(await c.createPermission(peer4.address)), 443);
    assert.equal(errorCode(await c.channelBind(0x4000, peer6.address)), undefined);
    c.sendChannelData(0x4000, Buffer.from("over v6"));
    const [got] = await c.waitForData(1);
    assert.equal(got?.data.toString(), "over v6");
  });

  it("makes dual allocations with ADDITIONAL-ADDRESS-FAMILY and relays on both", async () => {
    const c = await open(h.udp);
    const res = await c.allocate([
      { type: AttributeType.AdditionalAddressFamily, value: Uint8Array.of(2, 0, 0, 0) },
    ]);
    assert.equal(res.cls, StunClass.SuccessResponse, `error ${errorCode(res)}`);
    const relays = getAttributes(res, AttributeType.XorRelayedAddress).map((a) =>
      decodeXorAddress(a.value, res.transactionId),
    );
    assert.deepEqual(
      relays.map((r) => r.family),
      ["IPv4", "IPv6"],
    );
    assert.equal(errorCode(await c.createPermission(peer4.address, peer6.address)), undefined);
    c.sendIndication(peer4.address, Buffer.from("four"));
    c.sendIndication(peer6.address, Buffer.from("six"));
    const got = await c.waitForData(2);
    assert.deepEqual(got.map((r) => r.data.toString()).sort(), ["four", "six"]);
  });

  it("reports an unavailable second family in ADDRESS-ERROR-CODE and refuses bad family combinations", async () => {
    const only4 = await startTurn({ TURN_ALLOWED_PEER_IPS: "127.0.0.1" });
    try {
      const c = await open(only4.udp);
      const res = await c.allocate([
        { type: AttributeType.AdditionalAddressFamily, value: Uint8Array.of(2, 0, 0, 0) },
      ]);
      assert.equal(res.cls, StunClass.SuccessResponse);
      const err = getAttribute(res, AttributeType.AddressErrorCode);
      assert.ok(err);
      assert.deepEqual(
        { ...decodeAddressErrorCode(err.value), reason: "" },
        { family: 2, code: 440, reason: "" },
      );
    } finally {
      await only4.close();
    }
    const c = await open(h.udp);
    const both = await c.allocate([
      requestFamily(1),
      { type: AttributeType.AdditionalAddressFamily, value: Uint8Array.of(2, 0, 0, 0) },
    ]);
    assert.equal(errorCode(both), 400);
    const bad = await c.allocate([
      { type: AttributeType.RequestedAddressFamily, value: Uint8Array.of(3, 0, 0, 0) },
    ]);
    assert.equal(errorCode(bad), 440);
  });

  it("EVEN-PORT with R gives an even port and a RESERVATION-TOKEN for the next one", async () => {
    const a = await open(h.udp);
    const first = await a.allocate([{ type: AttributeType.EvenPort, value: Uint8Array.of(0x80) }]);
    assert.equal(first.cls, StunClass.SuccessResponse, `error ${errorCode(first)}`);
    const port = relayedAddress(first).port;
    assert.equal(port % 2, 0);
    const token = getAttribute(first, AttributeType.ReservationToken);
    assert.equal(token?.value.length, 8);
    const b = await open(h.udp);
    const second = await b.allocate([
      { type: AttributeType.ReservationToken, value: Uint8Array.from(token?.value ?? []) },
    ]);
    assert.equal(relayedAddress(second).port, port + 1);
    const c = await open(h.udp);
    const reused = await c.allocate([
      { type: AttributeType.ReservationToken, value: Uint8Array.from(token?.value ?? []) },
    ]);
    assert.equal(errorCode(reused), 508);
    const mixed = await c.allocate([
      { type: AttributeType.EvenPort, value: Uint8Array.of(0) },
      { type: AttributeType.ReservationToken, value: new Uint8Array(8) },
    ]);
    assert.equal(errorCode(mixed), 400);
  });
});
