/** Integration: the TURN server on real loopback sockets, driven by the test client over UDP and TCP. */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  AttributeType,
  StunClass,
  StunMethod,
  getAttribute,
  decodeLifetime,
  verifyFingerprint,
  verifyMessageIntegrity,
} from "@switchboard/stun-codec";
import { startEchoPeer, startTurn, type EchoPeer, type Harness } from "./support/harness.js";
import { TestTurnClient, errorCode, relayedAddress } from "@switchboard/test-support";

// UDP I/O (listener and relays) on both backends of @switchboard/datagram; TCP with the default one.
const variants = [
  { transport: "udp", io: "native" },
  { transport: "udp", io: "dgram" },
  { transport: "tcp", io: "auto" },
] as const;

for (const { transport, io } of variants) {
  describe(`TURN relay over ${transport} (${io} UDP I/O)`, () => {
    let h: Harness;
    let peer: EchoPeer;
    const clients: TestTurnClient[] = [];
    const client = async (username = "alice", password = "alice-pw") => {
      const c = new TestTurnClient({ transport, server: h[transport], username, password });
      await c.open();
      clients.push(c);
      return c;
    };
    beforeAll(async () => {
      h = await startTurn({ TURN_UDP_IO: io });
      peer = await startEchoPeer();
    });
    afterAll(async () => {
      for (const c of clients) c.close();
      peer.close();
      await h.close();
    });

    it("challenges with 401 + REALM + NONCE, then allocates with integrity and fingerprint", async () => {
      const c = await client();
      const challenge = await c.request(StunMethod.Allocate, [], false);
      assert.equal(errorCode(challenge), 401);
      assert.ok(getAttribute(challenge, AttributeType.Realm));
      assert.ok(getAttribute(challenge, AttributeType.Nonce));
      const res = await c.allocate();
      assert.equal(res.cls, StunClass.SuccessResponse, `error ${errorCode(res)}`);
      const relay = relayedAddress(res);
      assert.equal(relay.address, "127.0.0.1");
      const lifetime = getAttribute(res, AttributeType.Lifetime);
      assert.equal(lifetime && decodeLifetime(lifetime.value), 600);
      assert.ok(getAttribute(res, AttributeType.XorMappedAddress));
      assert.ok(c.key && verifyMessageIntegrity(res, c.key));
      assert.ok(verifyFingerprint(res));
      assert.equal(h.server.allocations.size, 1);
    });

    it("relays Send indications after CreatePermission and returns Data indications", async () => {
      const c = await client();
      assert.equal((await c.allocate()).cls, StunClass.SuccessResponse);
      c.sendIndication(peer.address, Buffer.from("before permission"));
      const perm = await c.createPermission(peer.address);
      assert.equal(perm.cls, StunClass.SuccessResponse, `error ${errorCode(perm)}`);
      for (let i = 0; i < 5; i++) c.sendIndication(peer.address, Buffer.from(`msg ${i}`));
      const got = await c.waitForData(5);
      assert.deepEqual(got.map((r) => r.data.toString()).sort(), [
        "msg 0",
        "msg 1",
        "msg 2",
        "msg 3",
        "msg 4",
      ]);
      assert.equal(got[0]?.peer.port, peer.address.port);
      assert.equal(got[0]?.channel, undefined);
    });

    it("relays ChannelData both ways after ChannelBind (RFC 8656 and RFC 5766 channel numbers)", async () => {
      for (const channel of [0x4001, 0x6281]) {
        const c = await client();
        await c.allocate();
        const bind = await c.channelBind(channel, peer.address);
        assert.equal(bind.cls, StunClass.SuccessResponse, `error ${errorCode(bind)}`);
        const payloads = [1, 3, 100, 1200].map((n) => Buffer.alloc(n, n & 255));
        for (const p of payloads) c.sendChannelData(channel, p);
        const got = await c.waitForData(payloads.length);
        assert.deepEqual(
          got.map((r) => r.data.length).sort((a, b) => a - b),
          [1, 3, 100, 1200],
        );
        assert.ok(got.every((r) => r.channel === channel));
      }
    });

    it("refuses a conflicting ChannelBind with 400 and a bad channel number with 400", async () => {
      const c = await client();
      await c.allocate();
      assert.equal((await c.channelBind(0x4000, peer.address)).cls, StunClass.SuccessResponse);
      assert.equal(
        errorCode(await c.channelBind(0x4000, { ...peer.address, port: peer.address.port + 1 })),
        400,
      );
      assert.equal(errorCode(await c.channelBind(0x3fff, peer.address)), 400);
    });

    it("answers a retransmitted Allocate with the same success and another Allocate with 437", async () => {
      const c = await client();
      const first = await c.allocate();
      const again = await c.allocate();
      assert.equal(errorCode(again), 437);
      assert.equal(first.cls, StunClass.SuccessResponse);
      const { raw } = await c.replay(first);
      assert.deepEqual(Buffer.from(raw), Buffer.from(first.raw));
    });

    it("refreshes, and deletes with LIFETIME 0 (then 437)", async () => {
      const c = await client();
      await c.allocate();
      const before = h.server.allocations.size;
      const r = await c.refresh(1200);
      const lt = getAttribute(r, AttributeType.Lifetime);
      assert.equal(lt && decodeLifetime(lt.value), 1200);
      assert.equal((await c.refresh(0)).cls, StunClass.SuccessResponse);
      assert.equal(h.server.allocations.size, before - 1);
      assert.equal(errorCode(await c.createPermission(peer.address)), 437);
      assert.equal(errorCode(await c.refresh(600)), 437);
    });

    it("refuses peers outside the allowed set with 403 (loopback other than 127.0.0.1, private)", async () => {
      const c = await client();
      await c.allocate();
      for (const address of ["127.0.0.2", "10.0.0.1", "192.168.1.1", "169.254.0.1", "0.0.0.0"]) {
        assert.equal(errorCode(await c.createPermission({ family: "IPv4", address, port: 9 })), 403, address);
        assert.equal(
          errorCode(await c.channelBind(0x4100, { family: "IPv4", address, port: 9 })),
          403,
          address,
        );
      }
      assert.equal(errorCode(await c.channelBind(0x4100, { ...peer.address, port: 0 })), 400);
      assert.equal(errorCode(await c.createPermission(peer.address)), undefined);
      c.sendIndication({ ...peer.address, port: 0 }, Buffer.from("to port zero"));
      c.sendIndication(peer.address, Buffer.from("after"));
      assert.equal((await c.waitForData(1))[0]?.data.toString(), "after");
    });

    it("answers 401 to a wrong password and 438 to a stale or foreign nonce", async () => {
      const bad = await client("alice", "wrong");
      assert.equal(errorCode(await bad.allocate()), 401);
      const stranger = await client("nobody", "x");
      assert.equal(errorCode(await stranger.allocate()), 401);
      const c = await client();
      await c.request(StunMethod.Binding);
      assert.equal(errorCode(await c.allocate()), undefined);
      assert.equal(errorCode(await c.request(StunMethod.Refresh, [], true, "6553f100.forged")), 438);
    });

    it("answers 420 with UNKNOWN-ATTRIBUTES, 442 for TCP relays, 440 for IPv6 relays not configured", async () => {
      const c = await client();
      const df = await c.allocate([{ type: AttributeType.DontFragment, value: new Uint8Array(0) }]);
      assert.equal(errorCode(df), 420);
      const unknown = getAttribute(df, AttributeType.UnknownAttributes);
      assert.deepEqual(unknown && [...unknown.value], [0x00, 0x1a]);
      const tcp = await c.request(StunMethod.Allocate, [
        { type: AttributeType.RequestedTransport, value: Uint8Array.of(6, 0, 0, 0) },
      ]);
      assert.equal(errorCode(tcp), 442);
      const v6 = await c.allocate([
        { type: AttributeType.RequestedAddressFamily, value: Uint8Array.of(2, 0, 0, 0) },
      ]);
      assert.equal(errorCode(v6), 440);
      const missing = await c.request(StunMethod.Allocate, []);
      assert.equal(errorCode(missing), 400);
    });

    it("answers Binding on the TURN port without credentials", async () => {
      const c = await client();
      const res = await c.request(StunMethod.Binding, [], false);
      assert.equal(res.cls, StunClass.SuccessResponse);
      assert.ok(getAttribute(res, AttributeType.XorMappedAddress));
    });
  });
}
