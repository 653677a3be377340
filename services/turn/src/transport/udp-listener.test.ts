/** The UDP listener on real loopback sockets: a handler that throws costs one datagram, never the process. */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { nativeBackendStatus } from "@switchboard/datagram";
import { UdpListener } from "./udp-listener.js";

const backends = nativeBackendStatus().available ? (["native", "dgram"] as const) : (["dgram"] as const);

describe("UDP listener", () => {
  for (const backend of backends) {
    it(`${backend}: a throwing handler loses that datagram, is reported, and the next ones are answered`, async () => {
      const errors: unknown[] = [];
      const listener = new UdpListener({
        host: "127.0.0.1",
        backend,
        onHandlerError: (err) => errors.push(err),
        handler: {
          onPacket(link, data) {
            if (data[0] === 0x00 && data[1] === 0xff) throw new Error("handler bug");
            link.send([Buffer.from(data)]);
          },
          onClose() {},
        },
      });
      const bound = await listener.listen(0);
      const client = createSocket("udp4");
      client.bind(0, "127.0.0.1");
      await once(client, "listening");
      try {
        const echoes: Buffer[] = [];
        client.on("message", (m: Buffer) => echoes.push(m));
        for (let i = 0; i < 10; i++) {
          client.send(Uint8Array.of(0x00, i % 2 === 0 ? 0xff : 0x01, i), bound.port, "127.0.0.1");
        }
        const deadline = Date.now() + 5000;
        while ((echoes.length < 5 || errors.length < 5) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual(
          echoes.map((m) => m[2]),
          [1, 3, 5, 7, 9],
        );
        assert.equal(errors.length, 5);
        assert.equal((errors[0] as Error).message, "handler bug");
      } finally {
        client.close();
        await listener.close();
      }
    });
  }

  it("keeps its link cache bounded however many senders there are, and an active sender keeps its link", async () => {
    const links = new Map<number, unknown[]>();
    const listener = new UdpListener({
      host: "127.0.0.1",
      backend: "dgram",
      linkGeneration: 4,
      handler: {
        onPacket(link, data) {
          const seen = links.get(link.remote.port) ?? [];
          if (!seen.includes(link)) seen.push(link);
          links.set(link.remote.port, seen);
          link.send([Buffer.from(data)]);
        },
        onClose() {},
      },
    });
    const bound = await listener.listen(0);
    const sockets = await Promise.all(
      Array.from({ length: 21 }, async () => {
        const s = createSocket("udp4");
        s.bind(0, "127.0.0.1");
        await once(s, "listening");
        return s;
      }),
    );
    const [active, ...others] = sockets as [(typeof sockets)[0], ...typeof sockets];
    const echo = async (s: (typeof sockets)[0]) => {
      const reply = once(s, "message");
      s.send(Uint8Array.of(1), bound.port, "127.0.0.1");
      await reply;
    };
    try {
      for (const s of others) {
        await echo(active);
        await echo(s);
        assert.ok(listener.cachedLinks <= 8, `cache holds ${listener.cachedLinks}`);
      }
      assert.equal(links.get(active.address().port)?.length, 1, "the active sender kept one link");
    } finally {
      for (const s of sockets) s.close();
      await listener.close();
    }
  });
});
