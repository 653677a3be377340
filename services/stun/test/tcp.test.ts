import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { skipTest } from "@switchboard/test-support/jest";
import assert from "node:assert/strict";
import { StunClass } from "@switchboard/stun-codec";
import { readReply, request, sameId } from "./helpers/stun.js";
import { startTestServer, TcpClient, UdpClient, waitFor, type TestServer } from "./helpers/server.js";

const concat = (parts: Uint8Array[]): Buffer => Buffer.concat(parts);

describe("STUN over TCP", () => {
  let t: TestServer;
  let port: number;
  beforeAll(async () => {
    t = await startTestServer({ STUN_TCP_IDLE_TIMEOUT_MS: "300" });
    port = t.addresses.tcp.PP?.port ?? 0;
  });
  afterAll(() => t.close());

  it("listens on the same port as UDP", () => {
    assert.equal(port, t.addresses.udp.PP?.port);
  });

  it("answers several messages on one connection, written at once", async () => {
    const c = await TcpClient.open(port);
    try {
      const reqs = Array.from({ length: 10 }, () => request());
      c.write(concat(reqs.map((r) => r.bytes)));
      for (const req of reqs) {
        const r = readReply(await c.next());
        assert.equal(r.cls, StunClass.SuccessResponse);
        assert.ok(sameId(r.msg.transactionId, req.transactionId));
        assert.deepEqual(r.xorMapped, { family: "IPv4", address: "127.0.0.1", port: c.socket.localPort });
        assert.ok(r.fingerprintOk);
      }
    } finally {
      c.close();
    }
  });

  it("answers a peer that half-closes after its request", async () => {
    const c = await TcpClient.open(port);
    const req = request();
    c.socket.end(req.bytes);
    assert.ok(sameId(readReply(await c.next()).msg.transactionId, req.transactionId));
    await c.closedWithin(2000);
  });

  it("reassembles messages written a byte at a time", async () => {
    const c = await TcpClient.open(port);
    try {
      const reqs = [request(), request([], { fingerprint: true })];
      const all = concat(reqs.map((r) => r.bytes));
      for (let i = 0; i < all.length; i++) {
        c.write(all.subarray(i, i + 1));
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const req of reqs)
        assert.ok(sameId(readReply(await c.next()).msg.transactionId, req.transactionId));
    } finally {
      c.close();
    }
  });

  it("closes a connection that sends something other than STUN", async () => {
    const c = await TcpClient.open(port);
    c.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await c.closedWithin(2000);
  });

  it("closes a connection announcing a frame over the limit", async () => {
    const c = await TcpClient.open(port);
    const header = Buffer.from(request().bytes.subarray(0, 20));
    header.writeUInt16BE(0xfff0, 2);
    c.write(header);
    await c.closedWithin(2000);
  });

  it("closes idle connections", async () => {
    const c = await TcpClient.open(port);
    c.write(request().bytes.subarray(0, 10)); // half a message, then silence
    await c.closedWithin(3000);
    await waitFor(async () =>
      /stun_tcp_connections_closed_total\{reason="idle"\} [1-9]/.test(await t.registry.metrics()),
    );
  });

  it("keeps serving others while a peer floods without reading", async () => {
    // The per-source guard would rightly stop the flood first (every client here is 127.0.0.1): turn it off.
    const open = await startTestServer({
      STUN_RATE_LIMIT_PER_SECOND: "0",
      STUN_RATE_LIMIT_BYTES_PER_SECOND: "0",
    });
    const port = open.addresses.tcp.PP?.port ?? 0;
    const flooder = await TcpClient.open(port);
    flooder.socket.pause();
    const burst = concat(Array.from({ length: 2000 }, () => request().bytes));
    for (let i = 0; i < 10 && !flooder.closed; i++) flooder.write(burst);
    const c = await TcpClient.open(port);
    const u = await UdpClient.open();
    try {
      const req = request();
      c.write(req.bytes);
      assert.ok(sameId(readReply(await c.next()).msg.transactionId, req.transactionId));
      u.send(request().bytes, open.addresses.udp.PP?.port ?? 0, "127.0.0.1");
      await u.next();
    } finally {
      flooder.close();
      c.close();
      u.close();
      await open.close();
    }
  });

  it("refuses connections beyond STUN_TCP_MAX_CONNECTIONS", async () => {
    const small = await startTestServer({ STUN_TCP_MAX_CONNECTIONS: "2" });
    const p = small.addresses.tcp.PP?.port ?? 0;
    const first = await TcpClient.open(p);
    const kept = [first, await TcpClient.open(p)];
    try {
      const extra = await TcpClient.open(p);
      await extra.closedWithin(2000);
      const req = request();
      first.write(req.bytes);
      assert.ok(sameId(readReply(await first.next()).msg.transactionId, req.transactionId));
    } finally {
      for (const c of kept) c.close();
      await small.close();
    }
  });

  it("serves IPv6 over TCP on ::1", async () => {
    let v6: TestServer;
    try {
      v6 = await startTestServer({ STUN_HOST: "::1" });
    } catch {
      return skipTest("no IPv6 loopback here");
    }
    const c = await TcpClient.open(v6.addresses.tcp.PP?.port ?? 0, "::1");
    try {
      c.write(request().bytes);
      const r = readReply(await c.next());
      assert.deepEqual(r.xorMapped, { family: "IPv6", address: "::1", port: c.socket.localPort });
    } finally {
      c.close();
      await v6.close();
    }
  });
});
