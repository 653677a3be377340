/** Both backends against real sockets on loopback: the same behaviour whichever one a service gets. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { skipTest } from "@switchboard/test-support/jest";
import { hasIpv6Loopback } from "@switchboard/test-support";
import {
  DatagramAddressError,
  nativeBackendStatus,
  openDatagramSocket,
  type DatagramBackend,
  type DatagramSocket,
  type DatagramSocketOptions,
} from "../src/index.js";

interface Got {
  data: Buffer;
  address: string;
  port: number;
  family: 4 | 6;
}

/** A socket whose datagrams (copied: the native backend reuses their memory) land in a list, awaitable. */
async function collector(
  backend: DatagramBackend,
  extra: Partial<DatagramSocketOptions> = {},
): Promise<{ socket: DatagramSocket; got: Got[]; next(n: number, ms?: number): Promise<Got[]> }> {
  const got: Got[] = [];
  let waiter: (() => void) | undefined;
  const socket = await openDatagramSocket({
    family: 4,
    address: "127.0.0.1",
    port: 0,
    backend,
    ...extra,
    onMessage: (data, address, port, family) => {
      got.push({ data: Buffer.from(data), address, port, family });
      waiter?.();
    },
  });
  const next = async (n: number, ms = 5000): Promise<Got[]> => {
    const deadline = Date.now() + ms;
    while (got.length < n) {
      if (Date.now() > deadline) throw new Error(`got ${got.length} of ${n} datagrams`);
      await new Promise<void>((resolve) => {
        waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return got.splice(0, n);
  };
  return { socket, got, next };
}

async function plainSocket(type: "udp4" | "udp6", address: string): Promise<Socket> {
  const s = createSocket(type);
  s.bind(0, address);
  await once(s, "listening");
  return s;
}

it("the native backend is built and loads on Linux", () => {
  if (process.platform !== "linux") return;
  assert.deepEqual(nativeBackendStatus(), { available: true });
});

for (const backend of ["native", "dgram"] as const) {
  describe(`datagram sockets, ${backend} backend`, () => {
    let ipv6 = false;
    const open: Array<{ close(): void }> = [];
    beforeAll(async () => {
      ipv6 = await hasIpv6Loopback();
    });
    afterAll(() => {
      for (const s of open) s.close();
    });

    it("receives with the sender's address and answers it", async () => {
      const server = await collector(backend, { ipv6Only: true }); // ignored for IPv4
      const client = await plainSocket("udp4", "127.0.0.1");
      open.push(server.socket, { close: () => client.close() });
      assert.equal(server.socket.backend, backend);
      assert.ok(server.socket.port > 0);
      client.send(Buffer.from("ping"), server.socket.port, "127.0.0.1");
      const [g] = await server.next(1);
      assert.ok(g);
      assert.equal(g.data.toString(), "ping");
      assert.deepEqual([g.address, g.port, g.family], ["127.0.0.1", client.address().port, 4]);
      const reply = once(client, "message");
      server.socket.send(Buffer.from("pong"), g.port, g.address);
      const [msg, rinfo] = (await reply) as [Buffer, { port: number }];
      assert.equal(msg.toString(), "pong");
      assert.equal(rinfo.port, server.socket.port);
    });

    it("delivers a burst of random sizes (empty to 60 000 bytes) whole and in order", async () => {
      const server = await collector(backend, { recvBufferBytes: 8 << 20 });
      const client = await plainSocket("udp4", "127.0.0.1");
      open.push(server.socket, { close: () => client.close() });
      const sizes = [0, 1, 20, 1500, 60_000, ...Array.from({ length: 295 }, (_, i) => (i * 7919) % 4000)];
      const sent = sizes.map((n) => randomBytes(n));
      for (const d of sent) client.send(d, server.socket.port, "127.0.0.1");
      const got = await server.next(sent.length);
      got.forEach((g, i) => assert.ok(g.data.equals(sent[i] ?? Buffer.alloc(0)), `datagram ${i}`));
    });

    it("sends many datagrams in one turn, to several destinations, each whole", async () => {
      const server = await collector(backend);
      const a = await collector("dgram");
      const b = await collector("dgram");
      open.push(server.socket, a.socket, b.socket);
      const payloads = Array.from({ length: 200 }, (_, i) => randomBytes(1 + ((i * 37) % 1200)));
      payloads.forEach((p, i) => server.socket.send(p, (i % 2 ? b : a).socket.port, "127.0.0.1"));
      const [toA, toB] = await Promise.all([a.next(100), b.next(100)]);
      toA.forEach((g, i) => assert.ok(g.data.equals(payloads[2 * i] ?? Buffer.alloc(0))));
      toB.forEach((g, i) => assert.ok(g.data.equals(payloads[2 * i + 1] ?? Buffer.alloc(0))));
      assert.ok(toA.every((g) => g.port === server.socket.port));
    });

    it("keeps each socket's datagrams apart when several arrive in one turn", async () => {
      const one = await collector(backend);
      const two = await collector(backend);
      const client = await plainSocket("udp4", "127.0.0.1");
      open.push(one.socket, two.socket, { close: () => client.close() });
      for (let i = 0; i < 50; i++) {
        client.send(Buffer.from(`one ${i}`), one.socket.port, "127.0.0.1");
        client.send(Buffer.from(`two ${i}`), two.socket.port, "127.0.0.1");
      }
      const [g1, g2] = await Promise.all([one.next(50), two.next(50)]);
      assert.deepEqual(
        g1.map((g) => g.data.toString()),
        Array.from({ length: 50 }, (_, i) => `one ${i}`),
      );
      assert.deepEqual(
        g2.map((g) => g.data.toString()),
        Array.from({ length: 50 }, (_, i) => `two ${i}`),
      );
    });

    it("refuses a port in use with EADDRINUSE, and shares it with reusePort", async () => {
      const first = await collector(backend);
      open.push(first.socket);
      await assert.rejects(
        openDatagramSocket({
          family: 4,
          address: "127.0.0.1",
          port: first.socket.port,
          backend,
          onMessage() {},
        }),
        (err: NodeJS.ErrnoException) => err.code === "EADDRINUSE",
      );
      if (backend === "dgram") return; // node:dgram on Node 20 has no reusePort
      const a = await collector(backend, { reusePort: true });
      const b = await collector(backend, { reusePort: true, port: a.socket.port });
      open.push(a.socket, b.socket);
      assert.equal(a.socket.port, b.socket.port);
      // The kernel spreads senders over the group by address: 40 senders reach both sockets between them.
      const clients = await Promise.all(Array.from({ length: 40 }, () => plainSocket("udp4", "127.0.0.1")));
      open.push(...clients.map((c) => ({ close: () => c.close() })));
      for (const c of clients) c.send(Buffer.from("x"), a.socket.port, "127.0.0.1");
      const deadline = Date.now() + 5000;
      while (a.got.length + b.got.length < 40 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(a.got.length + b.got.length, 40);
      assert.ok(a.got.length > 0 && b.got.length > 0, `${a.got.length} / ${b.got.length}`);
    });

    it("throws on a destination that is not an IP literal, reports one the socket cannot reach", async () => {
      const errors: string[] = [];
      const server = await collector(backend, { onSendError: () => errors.push("send") });
      open.push(server.socket);
      assert.throws(() => server.socket.send(Buffer.from("x"), 9, "example.com"), DatagramAddressError);
      server.socket.send(Buffer.from("x"), 9, "::1"); // an IPv6 destination for an IPv4 socket
      const deadline = Date.now() + 3000;
      while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(errors, ["send"]);
    });

    it("stops receiving when closed; sending and closing again are harmless", async () => {
      const server = await collector(backend);
      const client = await plainSocket("udp4", "127.0.0.1");
      open.push({ close: () => client.close() });
      const port = server.socket.port;
      server.socket.close();
      server.socket.close();
      server.socket.send(Buffer.from("late"), client.address().port, "127.0.0.1");
      client.send(Buffer.from("after close"), port, "127.0.0.1");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.got.length, 0);
      // The port is free again.
      const again = await collector(backend, { port });
      open.push(again.socket);
      assert.equal(again.socket.port, port);
    });

    it("a handler may close its own socket mid-batch: the rest of that batch is dropped, others still arrive", async () => {
      let first = 0;
      const closing: DatagramSocket = await openDatagramSocket({
        family: 4,
        address: "127.0.0.1",
        port: 0,
        backend,
        onMessage: () => {
          first++;
          closing.close();
        },
      });
      const other = await collector(backend);
      const client = await plainSocket("udp4", "127.0.0.1");
      open.push(other.socket, { close: () => client.close() });
      for (let i = 0; i < 20; i++) {
        client.send(Buffer.from("x"), closing.port, "127.0.0.1");
        client.send(Buffer.from("y"), other.socket.port, "127.0.0.1");
      }
      await other.next(20);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(first, 1);
    });

    it("a handler that throws costs that datagram only: reported to onHandlerError and counted, never fatal", async () => {
      const errors: unknown[] = [];
      const got: string[] = [];
      const server: DatagramSocket = await openDatagramSocket({
        family: 4,
        address: "127.0.0.1",
        port: 0,
        backend,
        onMessage: (data, address, port) => {
          const text = data.toString();
          if (text.startsWith("boom")) throw new Error(text);
          got.push(text);
          server.send(Buffer.from(`re ${text}`), port, address); // queued in the same batch as the throws
        },
        onHandlerError: (err) => {
          errors.push(err);
          throw new Error("a failing hook is contained too");
        },
      });
      const silent: DatagramSocket = await openDatagramSocket({
        family: 4,
        address: "127.0.0.1",
        port: 0,
        backend,
        onMessage: () => {
          throw new TypeError("no hook given");
        },
      });
      const client = await plainSocket("udp4", "127.0.0.1");
      const replies: string[] = [];
      client.on("message", (m: Buffer) => replies.push(m.toString()));
      open.push(server, silent, { close: () => client.close() });
      const sent = Array.from({ length: 30 }, (_, i) => (i % 3 === 1 ? `boom ${i}` : `ok ${i}`));
      for (const text of sent) client.send(Buffer.from(text), server.port, "127.0.0.1");
      for (let i = 0; i < 5; i++) client.send(Buffer.from("x"), silent.port, "127.0.0.1");
      const deadline = Date.now() + 5000;
      while ((replies.length < 20 || silent.handlerErrors < 5) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        got,
        sent.filter((t) => t.startsWith("ok")),
      );
      assert.deepEqual(
        errors.map((e) => (e as Error).message),
        sent.filter((t) => t.startsWith("boom")),
      );
      assert.equal(server.handlerErrors, 10);
      assert.equal(silent.handlerErrors, 5);
      assert.deepEqual(replies.sort(), got.map((t) => `re ${t}`).sort());
    });

    it("opening and closing thousands of sockets leaks no descriptors", async () => {
      const fds = (): number => (process.platform === "linux" ? readdirSync("/proc/self/fd").length : 0);
      const before = fds();
      for (let round = 0; round < 20; round++) {
        const batch = await Promise.all(
          Array.from({ length: 100 }, () =>
            openDatagramSocket({ family: 4, address: "127.0.0.1", port: 0, backend, onMessage() {} }),
          ),
        );
        for (const s of batch) s.close();
      }
      await new Promise((r) => setTimeout(r, 100)); // descriptors are released once libuv lets go of them
      assert.ok(fds() <= before + 2, `${before} descriptors before, ${fds()} after`);
    });

    it("a dual-stack IPv6 socket reports IPv4 senders as IPv4 and answers them", async () => {
      if (!ipv6) return skipTest("no IPv6 loopback here");
      const server = await collector(backend, { family: 6, address: "::" });
      const v4 = await plainSocket("udp4", "127.0.0.1");
      const v6 = await plainSocket("udp6", "::1");
      open.push(server.socket, { close: () => v4.close() }, { close: () => v6.close() });
      v4.send(Buffer.from("four"), server.socket.port, "127.0.0.1");
      const [g4] = await server.next(1);
      assert.deepEqual([g4?.address, g4?.family], ["127.0.0.1", 4]);
      v6.send(Buffer.from("six"), server.socket.port, "::1");
      const [g6] = await server.next(1);
      assert.deepEqual([g6?.address, g6?.family, g6?.port], ["::1", 6, v6.address().port]);
      const r4 = once(v4, "message");
      const r6 = once(v6, "message");
      server.socket.send(Buffer.from("to four"), v4.address().port, "127.0.0.1");
      server.socket.send(Buffer.from("to six"), v6.address().port, "::1");
      assert.equal(((await r4)[0] as Buffer).toString(), "to four");
      assert.equal(((await r6)[0] as Buffer).toString(), "to six");
    });

    it("answers each sender from inside the handler, beside sends to other addresses, in one batch", async () => {
      if (!ipv6) return skipTest("no IPv6 loopback here");
      const a = await plainSocket("udp4", "127.0.0.1");
      const b = await plainSocket("udp4", "127.0.0.2");
      const c = await plainSocket("udp6", "::1");
      const watcher = await plainSocket("udp4", "127.0.0.3");
      const server = await openDatagramSocket({
        family: 6,
        address: "::",
        port: 0,
        backend,
        onMessage: (data, address, port) => {
          // A send elsewhere first, then the reply: the reply still reaches its own sender.
          server.send(Buffer.from(`seen ${data.toString()}`), watcher.address().port, "127.0.0.3");
          server.send(Buffer.from(`re ${data.toString()} ${address}`), port, address);
        },
      });
      open.push(server, ...[a, b, c, watcher].map((s) => ({ close: () => s.close() })));
      const replies = (s: Socket, n: number): Promise<string[]> =>
        new Promise((resolve) => {
          const got: string[] = [];
          s.on("message", (m: Buffer) => {
            got.push(m.toString());
            if (got.length === n) resolve(got);
          });
        });
      const ra = replies(a, 3);
      const rb = replies(b, 3);
      const rc = replies(c, 3);
      const seen = replies(watcher, 9);
      for (let i = 0; i < 3; i++) {
        a.send(Buffer.from(`a${i}`), server.port, "127.0.0.1");
        b.send(Buffer.from(`b${i}`), server.port, "127.0.0.1");
        c.send(Buffer.from(`c${i}`), server.port, "::1");
      }
      const deadline = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("replies missing")), 5000).unref(),
      );
      const [ga, gb, gc, gs] = await Promise.race([Promise.all([ra, rb, rc, seen]), deadline]);
      assert.deepEqual(ga.sort(), ["re a0 127.0.0.1", "re a1 127.0.0.1", "re a2 127.0.0.1"]);
      assert.deepEqual(gb.sort(), ["re b0 127.0.0.2", "re b1 127.0.0.2", "re b2 127.0.0.2"]);
      assert.deepEqual(gc.sort(), ["re c0 ::1", "re c1 ::1", "re c2 ::1"]);
      assert.equal(gs.length, 9);
    });

    it("receive slots an IPv4 socket used give a later IPv6 sender its whole address", async () => {
      if (!ipv6) return skipTest("no IPv6 loopback here");
      // The native backend sets its receive headers up once: the address length the kernel shortened for an
      // IPv4 sender must be restored before an IPv6 one lands in the same slot.
      const four = await collector(backend);
      const six = await collector(backend, { family: 6, address: "::1", ipv6Only: true });
      const v4 = await plainSocket("udp4", "127.0.0.1");
      const v6 = await plainSocket("udp6", "::1");
      open.push(four.socket, six.socket, { close: () => v4.close() }, { close: () => v6.close() });
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 5; i++) v4.send(Buffer.from(`four ${i}`), four.socket.port, "127.0.0.1");
        const g4 = await four.next(5);
        assert.deepEqual(
          new Set(g4.map((g) => `${g.address} ${g.port}`)),
          new Set([`127.0.0.1 ${v4.address().port}`]),
        );
        for (let i = 0; i < 5; i++) v6.send(Buffer.from(`six ${i}`), six.socket.port, "::1");
        const g6 = await six.next(5);
        assert.deepEqual(
          g6.map((g) => [g.address, g.port, g.family, g.data.toString()]),
          [0, 1, 2, 3, 4].map((i) => ["::1", v6.address().port, 6, `six ${i}`]),
        );
      }
    });

    it("an IPv6-only socket", async () => {
      if (!ipv6) return skipTest("no IPv6 loopback here");
      const server = await collector(backend, { family: 6, address: "::1", ipv6Only: true });
      const v6 = await plainSocket("udp6", "::1");
      open.push(server.socket, { close: () => v6.close() });
      v6.send(Buffer.from("six"), server.socket.port, "::1");
      const [g] = await server.next(1);
      assert.deepEqual([g?.data.toString(), g?.address, g?.family], ["six", "::1", 6]);
    });
  });
}
