import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { skipTest } from "@switchboard/test-support/jest";
import assert from "node:assert/strict";
import { AttributeType, StunClass, encodeResponsePort } from "@switchboard/stun-codec";
import { hasIpv6Loopback } from "@switchboard/test-support";
import { readReply, request, sameId } from "./helpers/stun.js";
import { startTestServer, UdpClient, type TestServer } from "./helpers/server.js";

const portOf = (t: TestServer): number => t.addresses.udp.PP?.port ?? 0;

for (const io of ["native", "dgram"] as const) {
  describe(`STUN over UDP (IPv4), ${io} I/O`, () => {
    let t: TestServer;
    let client: UdpClient;
    beforeAll(async () => {
      t = await startTestServer({ STUN_UDP_IO: io });
      client = await UdpClient.open();
    });
    afterAll(async () => {
      client.close();
      await t.close();
    });

    it("answers a Binding request with the client's mapped address", async () => {
      const req = request();
      client.send(req.bytes, portOf(t), "127.0.0.1");
      const d = await client.next();
      const r = readReply(d.data);
      assert.equal(r.cls, StunClass.SuccessResponse);
      assert.ok(sameId(r.msg.transactionId, req.transactionId));
      assert.deepEqual(r.xorMapped, { family: "IPv4", address: "127.0.0.1", port: client.port });
      assert.ok(r.fingerprintOk);
      assert.equal(d.port, portOf(t));
    });

    it("answers many requests in flight", async () => {
      const ids = Array.from({ length: 200 }, () => request());
      for (const r of ids) client.send(r.bytes, portOf(t), "127.0.0.1");
      const seen = new Set<string>();
      for (let i = 0; i < ids.length; i++) {
        seen.add(Buffer.from(readReply((await client.next()).data).msg.transactionId).toString("hex"));
      }
      for (const r of ids) assert.ok(seen.has(Buffer.from(r.transactionId).toString("hex")));
    });

    it("sends the response to RESPONSE-PORT", async () => {
      const other = await UdpClient.open();
      try {
        client.send(
          request([{ type: AttributeType.ResponsePort, value: encodeResponsePort(other.port) }]).bytes,
          portOf(t),
          "127.0.0.1",
        );
        const r = readReply((await other.next()).data);
        assert.equal(r.xorMapped?.port, client.port);
      } finally {
        other.close();
      }
    });

    it("drops responses and garbage silently, and counts everything", async () => {
      client.send(request([], { cls: StunClass.SuccessResponse }).bytes, portOf(t), "127.0.0.1");
      client.send(Buffer.from("GET / HTTP/1.1\r\n\r\n"), portOf(t), "127.0.0.1");
      assert.ok(await client.silentFor(200));
      const text = await t.registry.metrics();
      assert.match(text, /stun_requests_total\{transport="udp",result="success"\} 20[2-9]/);
      assert.match(text, /stun_requests_total\{transport="udp",result="dropped"\} 2/);
    });
  });

  describe(`STUN over UDP (IPv6 and dual-stack), ${io} I/O`, () => {
    it("answers on ::1 with an IPv6 mapped address", async () => {
      if (!(await hasIpv6Loopback())) return skipTest("no IPv6 loopback here");
      const t = await startTestServer({ STUN_HOST: "::1", STUN_UDP_IO: io });
      const client = await UdpClient.open("::1");
      try {
        client.send(request().bytes, portOf(t), "::1");
        const r = readReply((await client.next()).data);
        assert.deepEqual(r.xorMapped, { family: "IPv6", address: "::1", port: client.port });
      } finally {
        client.close();
        await t.close();
      }
    });

    it("binds all interfaces by default and maps IPv4 clients as IPv4", async () => {
      const t = await startTestServer({ STUN_HOST: "", STUN_UDP_IO: io });
      const client = await UdpClient.open("127.0.0.1");
      try {
        client.send(request().bytes, portOf(t), "127.0.0.1");
        const r = readReply((await client.next()).data);
        assert.deepEqual(r.xorMapped, { family: "IPv4", address: "127.0.0.1", port: client.port });
      } finally {
        client.close();
        await t.close();
      }
    });
  });
}

describe("amplification guard over UDP", () => {
  it("answers a source's burst, then drops and counts the rest", async () => {
    const t = await startTestServer({ STUN_RATE_LIMIT_BURST: "5", STUN_RATE_LIMIT_PER_SECOND: "0.01" });
    const client = await UdpClient.open();
    try {
      for (let i = 0; i < 20; i++) client.send(request().bytes, portOf(t), "127.0.0.1");
      for (let i = 0; i < 5; i++) await client.next();
      assert.ok(await client.silentFor(200));
      const text = await t.registry.metrics();
      assert.match(text, /stun_requests_total\{transport="udp",result="rate_limited"\} 15/);
    } finally {
      client.close();
      await t.close();
    }
  });
});
