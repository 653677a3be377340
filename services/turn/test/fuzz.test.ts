/** Malformed input: random and mutated datagrams and stream bytes; the server keeps serving. */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  AttributeType,
  StunClass,
  StunMethod,
  encodeStunMessage,
  newTransactionId,
} from "@switchboard/stun-codec";
import { startEchoPeer, startTurn, type EchoPeer, type Harness } from "./support/harness.js";
import { TestTurnClient, errorCode } from "@switchboard/test-support";

/** A deterministic generator so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

function samples(): Buffer[] {
  const tid = newTransactionId();
  const base = Buffer.from(
    encodeStunMessage(
      {
        method: StunMethod.Allocate,
        cls: StunClass.Request,
        transactionId: tid,
        attributes: [
          { type: AttributeType.RequestedTransport, value: Uint8Array.of(17, 0, 0, 0) },
          { type: AttributeType.Username, value: Buffer.from("alice") },
          { type: AttributeType.Realm, value: Buffer.from("test.example") },
          { type: AttributeType.Nonce, value: Buffer.from("abc.def") },
          { type: AttributeType.XorPeerAddress, value: Buffer.from([0, 1, 0, 1, 1, 2, 3, 4]) },
          { type: AttributeType.Lifetime, value: Buffer.from([0, 0, 1, 0]) },
        ],
      },
      { integrity: { key: Buffer.alloc(16) }, fingerprint: true },
    ),
  );
  const rand = rng(42);
  const out: Buffer[] = [];
  for (let i = 0; i < 1500; i++) {
    const kind = i % 5;
    if (kind === 0) out.push(randomBytes(Math.floor(rand() * 200)));
    else if (kind === 1) out.push(base.subarray(0, Math.floor(rand() * base.length)));
    else if (kind === 2) {
      const m = Buffer.from(base);
      for (let j = 0; j < 3; j++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      out.push(m);
    } else if (kind === 3) {
      const m = Buffer.from(base);
      m[0] = Math.floor(rand() * 4);
      m[1] = Math.floor(rand() * 256);
      out.push(m);
    } else {
      const cd = randomBytes(4 + Math.floor(rand() * 60));
      cd[0] = 0x40 + Math.floor(rand() * 0x40);
      out.push(cd);
    }
  }
  return out;
}

describe("malformed input", () => {
  let h: Harness;
  let peer: EchoPeer;
  beforeAll(async () => {
    h = await startTurn();
    peer = await startEchoPeer();
  });
  afterAll(async () => {
    peer.close();
    await h.close();
  });

  it("survives random and mutated datagrams and still relays", async () => {
    const fuzzer = new TestTurnClient({
      transport: "udp",
      server: h.udp,
      username: "alice",
      password: "alice-pw",
    });
    await fuzzer.open();
    await fuzzer.allocate();
    await fuzzer.channelBind(0x4000, peer.address);
    for (const s of samples()) fuzzer.sendRaw(s);
    const c = new TestTurnClient({
      transport: "udp",
      server: h.udp,
      username: "alice",
      password: "alice-pw",
    });
    await c.open();
    assert.equal(errorCode(await c.allocate()), undefined);
    assert.equal(errorCode(await c.channelBind(0x4000, peer.address)), undefined);
    c.sendChannelData(0x4000, Buffer.from("still here"));
    assert.equal((await c.waitForData(1))[0]?.data.toString(), "still here");
    fuzzer.close();
    c.close();
  });

  it("closes a TCP connection on garbage and keeps serving others", async () => {
    for (const s of samples().slice(0, 50)) {
      const c = new TestTurnClient({
        transport: "tcp",
        server: h.tcp,
        username: "alice",
        password: "alice-pw",
      });
      await c.open();
      c.sendRaw(s);
      c.close();
    }
    const ok = new TestTurnClient({
      transport: "tcp",
      server: h.tcp,
      username: "alice",
      password: "alice-pw",
    });
    await ok.open();
    assert.equal((await ok.request(StunMethod.Binding, [], false)).cls, StunClass.SuccessResponse);
    ok.close();
  });
});

describe("oversized peer datagrams", () => {
  it("drops a peer datagram too large for a Data indication and keeps relaying", async () => {
    const h = await startTurn();
    const peer = await startEchoPeer();
    const c = new TestTurnClient({
      transport: "udp",
      server: h.udp,
      username: "alice",
      password: "alice-pw",
    });
    try {
      await c.open();
      await c.allocate();
      assert.equal(errorCode(await c.createPermission(peer.address)), undefined);
      const relay = [...h.server.allocations.values()][0]?.relays.get(4)?.advertised;
      assert.ok(relay);
      peer.socket.send(Buffer.alloc(65_507), relay.port, relay.address);
      peer.socket.send(Buffer.from("small"), relay.port, relay.address);
      assert.equal((await c.waitForData(1))[0]?.data.length, 5);
      const dropped = await h.server.registry.getSingleMetricAsString("turn_dropped_packets_total");
      assert.match(dropped, /reason="malformed"\} 1/);
    } finally {
      c.close();
      peer.close();
      await h.close();
    }
  });
});
