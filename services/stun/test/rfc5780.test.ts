import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { AttributeType, encodeChangeRequest, encodeResponsePort } from "@switchboard/stun-codec";
import { readReply, request } from "./helpers/stun.js";
import {
  startDualAddressServer,
  startTestServer,
  TcpClient,
  UdpClient,
  type TestServer,
} from "./helpers/server.js";

const change = (changeIp: boolean, changePort: boolean) => ({
  type: AttributeType.ChangeRequest,
  value: encodeChangeRequest({ changeIp, changePort }),
});

describe("RFC 5780 on 127.0.0.1 + 127.0.0.2", () => {
  let t: TestServer;
  let client: UdpClient;
  let port: number;
  beforeAll(async () => {
    t = await startDualAddressServer();
    port = t.addresses.udp.PP?.port ?? 0;
    client = await UdpClient.open();
  });
  afterAll(async () => {
    client.close();
    await t.close();
  });

  it("listens on the four address/port combinations over UDP and TCP", () => {
    const eps = (m: Partial<Record<string, { address: string; port: number }>>) =>
      Object.entries(m)
        .map(([role, e]) => `${role}=${e?.address}:${e?.port}`)
        .sort();
    const expected = [
      `AA=127.0.0.2:${port + 1}`,
      `AP=127.0.0.2:${port}`,
      `PA=127.0.0.1:${port + 1}`,
      `PP=127.0.0.1:${port}`,
    ];
    assert.deepEqual(eps(t.addresses.udp), expected);
    assert.deepEqual(eps(t.addresses.tcp), expected);
  });

  it("answers from the address and port CHANGE-REQUEST asks for, as RESPONSE-ORIGIN says", async () => {
    const cases = [
      [false, false, "127.0.0.1", port],
      [true, false, "127.0.0.2", port],
      [false, true, "127.0.0.1", port + 1],
      [true, true, "127.0.0.2", port + 1],
    ] as const;
    for (const [ip, p, address, fromPort] of cases) {
      client.send(request([change(ip, p)]).bytes, port, "127.0.0.1");
      const d = await client.next();
      assert.deepEqual({ address: d.address, port: d.port }, { address, port: fromPort });
      const r = readReply(d.data);
      assert.deepEqual(r.responseOrigin, { family: "IPv4", address, port: fromPort });
      assert.deepEqual(r.otherAddress, { family: "IPv4", address: "127.0.0.2", port: port + 1 });
      assert.deepEqual(r.mapped, r.xorMapped);
    }
  });

  it("names the primary as OTHER-ADDRESS for requests to the alternate", async () => {
    client.send(request().bytes, port + 1, "127.0.0.2");
    const d = await client.next();
    assert.equal(d.address, "127.0.0.2");
    assert.deepEqual(readReply(d.data).otherAddress, { family: "IPv4", address: "127.0.0.1", port });
  });

  it("combines CHANGE-REQUEST with RESPONSE-PORT, and pads responses", async () => {
    const other = await UdpClient.open();
    try {
      const rp = { type: AttributeType.ResponsePort, value: encodeResponsePort(other.port) };
      client.send(request([change(true, true), rp]).bytes, port, "127.0.0.1");
      const d = await other.next();
      assert.deepEqual({ address: d.address, port: d.port }, { address: "127.0.0.2", port: port + 1 });
    } finally {
      other.close();
    }
    client.send(
      request([{ type: AttributeType.Padding, value: new Uint8Array(1000) }]).bytes,
      port,
      "127.0.0.1",
    );
    assert.equal(readReply((await client.next()).data).paddingLength, 1000);
  });

  it("serves OTHER-ADDRESS over TCP and refuses a change there", async () => {
    const c = await TcpClient.open(port);
    try {
      c.write(request().bytes);
      assert.deepEqual(readReply(await c.next()).otherAddress, {
        family: "IPv4",
        address: "127.0.0.2",
        port: port + 1,
      });
      c.write(request([change(true, false)]).bytes);
      assert.equal(readReply(await c.next()).errorCode, 400);
    } finally {
      c.close();
    }
  });
});

describe("RFC 5780 without an alternate address", () => {
  it("answers CHANGE-REQUEST with 420 and leaves OTHER-ADDRESS out", async () => {
    const t = await startTestServer();
    const client = await UdpClient.open();
    try {
      const port = t.addresses.udp.PP?.port ?? 0;
      client.send(request([change(false, false)]).bytes, port, "127.0.0.1");
      const r = readReply((await client.next()).data);
      assert.equal(r.errorCode, 420);
      assert.deepEqual(r.unknownAttributes, [AttributeType.ChangeRequest]);
      client.send(request().bytes, port, "127.0.0.1");
      const ok = readReply((await client.next()).data);
      assert.equal(ok.otherAddress, undefined);
      assert.equal(ok.responseOrigin, undefined);
    } finally {
      client.close();
      await t.close();
    }
  });
});
