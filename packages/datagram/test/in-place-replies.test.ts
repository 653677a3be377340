/**
 * Replies built in place in the native backend's send queue (`inPlaceReplies`), against real sockets on loopback:
 * what arrives, in which order, at the brim of the send arena, and what a reservation cannot survive.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { skipTest } from "@switchboard/test-support/jest";
import { hasIpv6Loopback } from "@switchboard/test-support";
import {
  inPlaceReplies,
  nativeBackendStatus,
  openDatagramSocket,
  type DatagramHandler,
  type DatagramSocket,
  type InPlaceReplies,
} from "../src/index.js";

/** A plain node:dgram peer whose datagrams land in a list, awaitable. */
async function peer(
  type: "udp4" | "udp6",
  address: string,
): Promise<{ socket: Socket; port: number; next(n: number): Promise<Buffer[]> }> {
  const socket = createSocket({ type, recvBufferSize: 1 << 20 });
  const got: Buffer[] = [];
  socket.on("message", (msg) => got.push(msg));
  socket.bind(0, address);
  await once(socket, "listening");
  const next = async (n: number): Promise<Buffer[]> => {
    const deadline = Date.now() + 5000;
    while (got.length < n) {
      if (Date.now() > deadline) throw new Error(`got ${got.length} of ${n} datagrams`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return got.splice(0, n);
  };
  return { socket, port: socket.address().port, next };
}

/** Writes `text` at `at` of the arena and commits it as the reply; → whether it was queued. */
function reply(r: InPlaceReplies, at: number, text: string): boolean {
  r.arena.set(Buffer.from(text), at);
  return r.commitReply(text.length);
}

describe("in-place replies (native backend)", () => {
  let handler: DatagramHandler = () => undefined;
  let server: DatagramSocket | undefined;
  let r: InPlaceReplies | undefined;
  const closers: Array<() => void> = [];

  beforeAll(async () => {
    if (!nativeBackendStatus().available) return;
    server = await openDatagramSocket({
      family: 6,
      address: "::",
      port: 0,
      backend: "native",
      onMessage: (data, address, port, family) => handler(data, address, port, family),
    });
    r = inPlaceReplies();
    closers.push(() => server?.close());
  });
  afterAll(() => {
    for (const close of closers) close();
  });

  /** The server, the replies, and a peer of `type` that has sent it one datagram handled by `h`. */
  async function exchange(
    h: (replies: InPlaceReplies, from: { address: string; port: number }) => void,
    type: "udp4" | "udp6" = "udp4",
  ): Promise<{ next(n: number): Promise<Buffer[]> }> {
    if (server === undefined || r === undefined) throw new Error("no native backend");
    const replies = r;
    const p = await peer(type, type === "udp4" ? "127.0.0.1" : "::1");
    closers.push(() => p.socket.close());
    handler = (_data, address, port) => h(replies, { address, port });
    p.socket.send(Buffer.from("hello"), server.port, type === "udp4" ? "127.0.0.1" : "::1");
    return p;
  }

  it("is there once a native socket is open, and reserves nothing outside a receive callback", () => {
    if (r === undefined) return skipTest("the native backend is not built here");
    assert.equal(r.reserveReply(100), -1);
    assert.equal(r.commitReply(10), false);
  });

  it("sends replies built in place, in order with replies sent the usual way", async () => {
    if (r === undefined) return skipTest("the native backend is not built here");
    const p = await exchange((replies, from) => {
      server?.send(Buffer.from("one (sent)"), from.port, from.address);
      assert.ok(reply(replies, replies.reserveReply(64), "two (in place)"));
      server?.send(Buffer.from("three (sent)"), from.port, from.address);
      const at = replies.reserveReply(1000);
      assert.ok(reply(replies, at, "four (in place, less than reserved)"));
    });
    const got = await p.next(4);
    assert.deepEqual(
      got.map((b) => b.toString()),
      ["one (sent)", "two (in place)", "three (sent)", "four (in place, less than reserved)"],
    );
  });

  it("flushes the queue first when a reservation would pass the send arena's end, and fits one to the brim", async () => {
    if (r === undefined) return skipTest("the native backend is not built here");
    // A port nobody listens on takes the filler (loopback drops it: no receive buffer has to hold 4 MiB).
    const gone = await peer("udp4", "127.0.0.1");
    gone.socket.close();
    // Under the largest IPv4 payload; what is left of the arena after as many as fit is then under 64 KiB.
    const filler = Buffer.alloc(60_000, 0x5a);
    const offsets: number[] = [];
    const p = await exchange((replies) => {
      const end = replies.arena.length;
      const fillers = Math.floor(end / filler.length);
      for (let i = 0; i < fillers; i++) server?.send(filler, gone.port, "127.0.0.1");
      const queued = fillers * filler.length;
      // Exactly the room that is left: no flush, the reply goes after the filler.
      const brim = replies.reserveReply(end - queued);
      offsets.push(brim);
      assert.ok(reply(replies, brim, "at the brim"));
      // One byte more than what is left now: the queue goes out first, the reply starts the arena afresh.
      const next = replies.reserveReply(end - queued - "at the brim".length + 1);
      offsets.push(next);
      assert.ok(reply(replies, next, "after the flush"));
    });
    const got = await p.next(2);
    assert.deepEqual(
      got.map((b) => b.toString()),
      ["at the brim", "after the flush"],
    );
    const fillers = Math.floor(r.arena.length / filler.length);
    assert.ok(r.arena.length - fillers * filler.length <= 0xffff);
    assert.deepEqual(offsets, [fillers * filler.length, 0]);
  });

  it("loses a reservation to a send or another reservation made before the commit", async () => {
    if (r === undefined) return skipTest("the native backend is not built here");
    const outcomes: boolean[] = [];
    const p = await exchange((replies, from) => {
      replies.reserveReply(100);
      server?.send(Buffer.from("a send in between"), from.port, from.address);
      outcomes.push(replies.commitReply(4));
      replies.reserveReply(100);
      const again = replies.reserveReply(100);
      outcomes.push(reply(replies, again, "kept"), replies.commitReply(4));
      outcomes.push(reply(replies, replies.reserveReply(4), "longer than reserved"));
    });
    const got = await p.next(2);
    assert.deepEqual(
      got.map((b) => b.toString()),
      ["a send in between", "kept"],
    );
    assert.deepEqual(outcomes, [false, true, false, false]);
  });

  it("answers an IPv6 sender in place", async () => {
    if (r === undefined) return skipTest("the native backend is not built here");
    if (!(await hasIpv6Loopback())) return skipTest("no IPv6 loopback here");
    let sender = "";
    const p = await exchange((replies, from) => {
      sender = from.address;
      assert.ok(reply(replies, replies.reserveReply(64), "over IPv6"));
    }, "udp6");
    const [got] = await p.next(1);
    assert.equal(got?.toString(), "over IPv6");
    assert.equal(sender, "::1");
  });

  it("has no reservation for a datagram whose socket closed in its handler", async () => {
    if (r === undefined) return skipTest("the native backend is not built here");
    const replies = r;
    let at = 0;
    const own = await openDatagramSocket({
      family: 4,
      address: "127.0.0.1",
      port: 0,
      backend: "native",
      onMessage: () => {
        own.close();
        at = replies.reserveReply(10);
      },
    });
    closers.push(() => own.close());
    const p = await peer("udp4", "127.0.0.1");
    closers.push(() => p.socket.close());
    p.socket.send(Buffer.from("x"), own.port, "127.0.0.1");
    const deadline = Date.now() + 5000;
    while (at === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    assert.equal(at, -1);
  });
});
