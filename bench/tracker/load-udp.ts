/**
 * UDP (BEP 15) announce load: several sockets, each keeping `window` announces in flight; a request unanswered
 * after 1 s counts as lost and is replaced. One connection id per socket: phases last less than its lifetime.
 */
import { createSocket, type Socket } from "node:dgram";
import { infoHash, pairOf, peerId, peerLeft, peerPort } from "./population.js";
import type { Latencies } from "./measure.js";
import type { LoadResult } from "./load-http.js";

export interface UdpLoadOptions {
  port: number;
  sockets: number;
  window: number;
  seconds: number;
  next: () => number;
  latencies: Latencies;
}

async function connectId(socket: Socket, port: number): Promise<Buffer> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const req = Buffer.alloc(16);
    req.writeBigUInt64BE(0x41727101980n, 0);
    req.writeUInt32BE(0, 8);
    req.writeUInt32BE(0xc0ffee00 + attempt, 12);
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => {
        socket.off("message", on);
        resolve(undefined);
      }, 1000);
      const on = (msg: Buffer): void => {
        if (msg.length >= 16 && msg.readUInt32BE(0) === 0 && msg.readUInt32BE(4) === 0xc0ffee00 + attempt) {
          clearTimeout(timer);
          socket.off("message", on);
          resolve(msg);
        }
      };
      socket.on("message", on);
      socket.send(req, port, "127.0.0.1");
    });
    if (reply) return reply.subarray(8, 16);
  }
  throw new Error("no UDP connect reply");
}

export async function runUdpLoad(o: UdpLoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const end = started + o.seconds * 1000;
  let requests = 0;
  let errors = 0;
  const runSocket = async (index: number): Promise<void> => {
    const socket = createSocket({ type: "udp4", recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
    const cid = await connectId(socket, o.port);
    const inflight = new Map<number, number>();
    let tid = index << 24;
    const packet = Buffer.alloc(98);
    const send = (): void => {
      const [t, p] = pairOf(o.next());
      tid = (tid + 1) >>> 0;
      packet.set(cid, 0);
      packet.writeUInt32BE(1, 8);
      packet.writeUInt32BE(tid, 12);
      infoHash(t).copy(packet, 16);
      peerId(p).copy(packet, 36);
      packet.writeBigUInt64BE(BigInt(peerLeft(p)), 64);
      packet.writeUInt32BE(0, 80);
      packet.writeUInt32BE(p, 88);
      packet.writeInt32BE(50, 92);
      packet.writeUInt16BE(peerPort(p), 96);
      inflight.set(tid, performance.now());
      socket.send(packet, o.port, "127.0.0.1");
    };
    socket.on("message", (msg: Buffer) => {
      if (msg.length < 8) return;
      const id = msg.readUInt32BE(4);
      const at = inflight.get(id);
      if (at === undefined) return;
      inflight.delete(id);
      if (msg.readUInt32BE(0) === 1) {
        requests++;
        o.latencies.add(performance.now() - at);
      } else errors++;
      if (performance.now() < end) send();
    });
    for (let i = 0; i < o.window; i++) send();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const now = performance.now();
        for (const [id, at] of inflight) {
          if (now - at > 1000) {
            inflight.delete(id);
            errors++;
            if (now < end) send();
          }
        }
        if (now >= end && (inflight.size === 0 || now > end + 1000)) {
          clearInterval(tick);
          socket.close();
          resolve();
        }
      }, 100);
    });
  };
  await Promise.all(Array.from({ length: o.sockets }, (_, i) => runSocket(i)));
  return { requests, errors, seconds: (performance.now() - started) / 1000 };
}
