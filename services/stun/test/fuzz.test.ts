import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { AttributeType, StunClass, encodeChangeRequest } from "@switchboard/stun-codec";
import { readReply, request } from "./helpers/stun.js";
import { startDualAddressServer, TcpClient, UdpClient, waitFor } from "./helpers/server.js";

/** A valid request with one to three random bytes changed, truncated or extended. */
function mutate(base: Uint8Array): Uint8Array {
  const r = Math.random();
  if (r < 0.15) return base.subarray(0, Math.floor(Math.random() * base.length));
  if (r < 0.25) return Buffer.concat([base, randomBytes(1 + Math.floor(Math.random() * 40))]);
  if (r < 0.35) return randomBytes(Math.floor(Math.random() * 200));
  const b = Uint8Array.from(base);
  for (let i = 0, n = 1 + Math.floor(Math.random() * 3); i < n; i++) {
    b[Math.floor(Math.random() * b.length)] = Math.floor(Math.random() * 256);
  }
  return b;
}

const seeds = (): Uint8Array[] => [
  request().bytes,
  request([], { fingerprint: true }).bytes,
  request([
    { type: AttributeType.ChangeRequest, value: encodeChangeRequest({ changeIp: true, changePort: true }) },
  ]).bytes,
  request([{ type: AttributeType.Padding, value: new Uint8Array(64) }]).bytes,
  request([{ type: AttributeType.Software, value: new Uint8Array(11) }], { fingerprint: true }).bytes,
];

describe("malformed and truncated input", () => {
  it("keeps serving UDP and TCP after thousands of mutated messages", async () => {
    const t = await startDualAddressServer({
      STUN_RATE_LIMIT_PER_SECOND: "0",
      STUN_RATE_LIMIT_BYTES_PER_SECOND: "0",
    });
    const port = t.addresses.udp.PP?.port ?? 0;
    const client = await UdpClient.open();
    try {
      const base = seeds();
      let sent = 0;
      for (let round = 0; round < 200; round++) {
        // Small bursts: libuv reads at most 32 datagrams per socket per loop turn.
        for (let i = 0; i < 20; i++) {
          client.send(
            mutate(base[i % base.length] ?? new Uint8Array()),
            i % 2 ? port : port + 1,
            "127.0.0.1",
          );
          sent++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      // Every datagram was looked at (counted), and the server is still answering.
      await waitFor(async () => {
        const text = await t.registry.metrics();
        const counts = [...text.matchAll(/stun_requests_total\{transport="udp",result="\w+"\} (\d+)/g)];
        const total = counts.reduce((n, m) => n + Number(m[1]), 0);
        return total >= sent * 0.9;
      }, 10_000);
      for (let i = 0; i < 50; i++) {
        const c = await TcpClient.open(port);
        c.write(mutate(base[i % base.length] ?? new Uint8Array()));
        c.write(randomBytes(Math.floor(Math.random() * 64)));
        c.close();
      }
      const fresh = await UdpClient.open();
      const tcp = await TcpClient.open(port);
      try {
        fresh.send(request().bytes, port, "127.0.0.1");
        assert.equal(readReply((await fresh.next()).data).cls, StunClass.SuccessResponse);
        tcp.write(request().bytes);
        assert.equal(readReply(await tcp.next()).cls, StunClass.SuccessResponse);
      } finally {
        fresh.close();
        tcp.close();
      }
    } finally {
      client.close();
      await t.close();
    }
  });
});
