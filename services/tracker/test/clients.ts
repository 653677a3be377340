/** Minimal tracker clients for the tests: HTTP (bencode), UDP (BEP 15) and WebSocket (WebTorrent). */
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import bencode from "bencode";
import { WebSocket } from "ws";

export const percentEncode = (b: Uint8Array): string =>
  Array.from(b, (x) => `%${x.toString(16).padStart(2, "0")}`).join("");

export interface AnnounceParams {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  left?: number;
  event?: "started" | "stopped" | "completed";
  numwant?: number;
  key?: string;
  compact?: 0 | 1;
}

export async function withDeadline<T>(p: Promise<T>, ms = 5000, what = "reply"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** GET a tracker URL and bdecode the body (strings stay bytes). */
export async function httpGet(url: string, localAddress?: string): Promise<Record<string, unknown>> {
  const { request } = await import("node:http");
  return withDeadline(
    new Promise((resolve, reject) => {
      const req = request(url, { localAddress, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          try {
            resolve(bencode.decode(Buffer.concat(chunks)) as Record<string, unknown>);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      });
      req.on("error", reject);
      req.end();
    }),
  );
}

export function announceQuery(p: AnnounceParams): string {
  const parts = [
    `info_hash=${percentEncode(p.infoHash)}`,
    `peer_id=${percentEncode(p.peerId)}`,
    `port=${p.port}`,
    `uploaded=0`,
    `downloaded=0`,
    `left=${p.left ?? 1000}`,
    `compact=${p.compact ?? 1}`,
  ];
  if (p.event) parts.push(`event=${p.event}`);
  if (p.numwant !== undefined) parts.push(`numwant=${p.numwant}`);
  if (p.key !== undefined) parts.push(`key=${p.key}`);
  return parts.join("&");
}

export const failureOf = (reply: Record<string, unknown>): string | undefined => {
  const f = reply["failure reason"];
  return f instanceof Uint8Array ? Buffer.from(f).toString() : undefined;
};

/** A BEP 15 client on one socket. */
export class UdpTrackerClient {
  readonly socket: Socket;
  readonly #host: string;
  readonly #port: number;
  constructor(host: string, port: number, localAddress?: string) {
    this.#host = host;
    this.#port = port;
    this.socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    if (localAddress) this.socket.bind(0, localAddress);
  }

  async request(body: Buffer, ms = 3000): Promise<Buffer> {
    const tid = body.readUInt32BE(12);
    const reply = new Promise<Buffer>((resolve) => {
      const on = (msg: Buffer): void => {
        if (msg.length >= 8 && msg.readUInt32BE(4) === tid) {
          this.socket.off("message", on);
          resolve(msg);
        }
      };
      this.socket.on("message", on);
    });
    this.socket.send(body, this.#port, this.#host);
    return withDeadline(reply, ms, "udp reply");
  }

  /** Sends and expects silence for `ms`. */
  async expectNoReply(body: Buffer, ms = 300): Promise<void> {
    let got = false;
    const on = (): void => {
      got = true;
    };
    this.socket.on("message", on);
    this.socket.send(body, this.#port, this.#host);
    await new Promise((r) => setTimeout(r, ms));
    this.socket.off("message", on);
    if (got) throw new Error("unexpected reply");
  }

  async connect(): Promise<Buffer> {
    const b = Buffer.alloc(16);
    b.writeBigUInt64BE(0x41727101980n, 0);
    b.writeUInt32BE(0, 8);
    randomBytes(4).copy(b, 12);
    const reply = await this.request(b);
    return reply.subarray(8, 16);
  }

  static announcePacket(cid: Uint8Array, p: AnnounceParams & { key32?: number }): Buffer {
    const b = Buffer.alloc(98);
    b.set(cid, 0);
    b.writeUInt32BE(1, 8);
    randomBytes(4).copy(b, 12);
    b.set(p.infoHash, 16);
    b.set(p.peerId, 36);
    b.writeBigUInt64BE(0n, 56);
    b.writeBigUInt64BE(BigInt(p.left ?? 1000), 64);
    b.writeBigUInt64BE(0n, 72);
    b.writeUInt32BE({ undefined: 0, completed: 1, started: 2, stopped: 3 }[String(p.event)] ?? 0, 80);
    b.writeUInt32BE(p.key32 ?? 0, 88);
    b.writeInt32BE(p.numwant ?? -1, 92);
    b.writeUInt16BE(p.port, 96);
    return b;
  }

  async announce(p: AnnounceParams): Promise<Buffer> {
    return this.request(UdpTrackerClient.announcePacket(await this.connect(), p));
  }

  async scrape(hashes: Uint8Array[]): Promise<Buffer> {
    const cid = await this.connect();
    const b = Buffer.alloc(16 + hashes.length * 20);
    b.set(cid, 0);
    b.writeUInt32BE(2, 8);
    randomBytes(4).copy(b, 12);
    hashes.forEach((h, i) => b.set(h, 16 + i * 20));
    return this.request(b);
  }

  close(): void {
    this.socket.close();
  }
}

/** A WebSocket client that queues every JSON message it receives. */
export class WsTrackerClient {
  readonly socket: WebSocket;
  readonly #queue: unknown[] = [];
  #waiters: Array<() => void> = [];
  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on("message", (data: Buffer) => {
      this.#queue.push(JSON.parse(data.toString()));
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
    });
  }

  async open(): Promise<this> {
    await withDeadline(once(this.socket, "open"), 3000, "websocket open");
    return this;
  }

  send(msg: unknown): void {
    this.socket.send(typeof msg === "string" ? msg : JSON.stringify(msg));
  }

  async next(ms = 3000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    while (this.#queue.length === 0) {
      if (Date.now() > deadline) throw new Error("no websocket message");
      await withDeadline(
        new Promise<void>((r) => this.#waiters.push(r)),
        deadline - Date.now() + 1,
        "websocket message",
      );
    }
    return this.#queue.shift() as Record<string, unknown>;
  }

  close(): void {
    this.socket.close();
  }
}

export const binary = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
