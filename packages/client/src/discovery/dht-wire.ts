// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- bittorrent-dht has no types; this declaration must reach every program compiling this file (the CLI too)
/// <reference path="./bittorrent-dht.d.ts" />
import DHT from "bittorrent-dht";
import { createServer, connect, type Server, type Socket } from "node:net";
import { parseBootstrap } from "./bootstrap.js";
import type { PeerWire, WireHandlers } from "./transport.js";
import { FrameReader, encodeLengthPrefixed, MAX_RENDEZVOUS_FRAME } from "./length-prefix.js";

/**
 * Discovery through the BitTorrent mainline DHT (Node only). The DHT stores addresses only, so each peer also
 * listens on a small TCP rendezvous port, announces that port under the meeting's info-hash and looks the
 * info-hash up now and then; to every address found it connects and sends a sealed hello. Frames on a
 * rendezvous connection are length-prefixed sealed text (signed, encrypted under the meeting code) and bounded;
 * a connection that sends nothing valid, too much, or nothing for a while is closed.
 */
export interface DhtWireOptions {
  /** Bootstrap nodes, "host:port" (default: bittorrent-dht's public routers). */
  readonly bootstrap?: readonly string[];
  /** Address the DHT socket and the rendezvous port bind to (default all IPv4 addresses). */
  readonly host?: string;
  /** Lookup delays after joining, ms; the last one then repeats. */
  readonly lookupDelaysMs?: readonly number[];
  /** Re-announce period, ms. */
  readonly announceIntervalMs?: number;
  /** Rendezvous connections at most (inbound and outbound). */
  readonly maxConnections?: number;
  /** A rendezvous connection idle this long is closed, ms. */
  readonly idleTimeoutMs?: number;
}

interface Link {
  readonly socket: Socket;
  readonly reader: FrameReader;
  idle: ReturnType<typeof setTimeout> | undefined;
}

export class DhtWire implements PeerWire {
  readonly kind = "dht";
  readonly #o: DhtWireOptions;
  #dht: DHT | undefined;
  #server: Server | undefined;
  #port = 0;
  #infoHash: Uint8Array = new Uint8Array();
  #handlers: WireHandlers | undefined;
  readonly #links = new Map<string, Link>();
  /** Addresses found in the DHT → when they were last dialled (one dial at a time, again after 30 s). */
  readonly #dialled = new Map<string, number>();
  #seq = 0;
  #timers: ReturnType<typeof setTimeout>[] = [];
  #closed = false;

  constructor(opts: DhtWireOptions = {}) {
    this.#o = { ...opts, ...(opts.bootstrap ? { bootstrap: parseBootstrap(opts.bootstrap) } : {}) };
  }

  async open(infoHash: Uint8Array, _selfId: string, handlers: WireHandlers): Promise<void> {
    this.#infoHash = infoHash;
    this.#handlers = handlers;
    this.#closed = false;
    const host = this.#o.host ?? "0.0.0.0";
    const server = createServer((s) => this.#adopt(s));
    server.maxConnections = this.#o.maxConnections ?? 64;
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, host, () => resolve());
    });
    server.on("error", (err) => handlers.onWarning?.(`rendezvous: ${err.message}`));
    this.#port = (server.address() as { port: number }).port;
    const dht = new DHT({
      host: false,
      ...(this.#o.bootstrap ? { bootstrap: [...this.#o.bootstrap] } : {}),
    });
    this.#dht = dht;
    dht.on("error", (err: Error) => handlers.onWarning?.(`DHT: ${err.message}`));
    dht.on("warning", (err: Error) => handlers.onWarning?.(`DHT: ${err.message}`));
    dht.on("peer", (peer: { host: string; port: number }, hash: Uint8Array) => {
      if (Buffer.compare(Buffer.from(hash), Buffer.from(this.#infoHash)) === 0)
        this.#dial(peer.host, peer.port);
    });
    await new Promise<void>((resolve) => dht.listen(0, host, () => resolve()));
    await new Promise<void>((resolve) => (dht.ready ? resolve() : dht.once("ready", () => resolve())));
    if (this.#closed) throw new Error("closed");
    if (dht.nodes.count() === 0)
      throw new Error(
        `no DHT node answered (bootstrap ${(this.#o.bootstrap ?? ["default routers"]).join(", ")})`,
      );
    await new Promise<void>((resolve, reject) =>
      dht.announce(infoHash, this.#port, (err) => (err ? reject(err) : resolve())),
    );
    this.#schedule();
  }

  send(via: string, sealed: string): boolean {
    const link = this.#links.get(via);
    if (!link || link.socket.destroyed) return false;
    const frame = encodeLengthPrefixed(sealed);
    if (!frame) return false;
    link.socket.write(frame);
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    for (const link of this.#links.values()) {
      clearTimeout(link.idle);
      link.socket.end();
      setTimeout(() => link.socket.destroy(), 200).unref();
    }
    this.#links.clear();
    const dht = this.#dht;
    this.#dht = undefined;
    const server = this.#server;
    this.#server = undefined;
    await Promise.all([
      dht ? new Promise<void>((r) => dht.destroy(() => r())) : undefined,
      server ? new Promise<void>((r) => server.close(() => r())) : undefined,
    ]);
  }

  /** Lookups soon after joining (so peers that announce a little later are found), then now and then. */
  #schedule(): void {
    const delays = this.#o.lookupDelaysMs ?? [500, 1500, 3000, 6000, 15_000];
    let i = 0;
    const next = (): void => {
      if (this.#closed) return;
      const delay = delays[Math.min(i++, delays.length - 1)] ?? 15_000;
      this.#timers.push(
        setTimeout(() => {
          this.#dht?.lookup(this.#infoHash);
          next();
        }, delay),
      );
    };
    next();
    const reannounce = (): void => {
      this.#timers.push(
        setTimeout(() => {
          if (this.#closed) return;
          this.#dht?.announce(this.#infoHash, this.#port);
          reannounce();
        }, this.#o.announceIntervalMs ?? 300_000),
      );
    };
    reannounce();
  }

  #dial(host: string, port: number): void {
    const local = host === "127.0.0.1" || host === "::1" || host === this.#o.host;
    if (this.#closed || (port === this.#port && local)) return; // our own announce
    const key = `${host}:${port}`;
    const last = this.#dialled.get(key);
    if (last !== undefined && Date.now() - last < 30_000) return;
    if (this.#links.size >= (this.#o.maxConnections ?? 64)) return;
    this.#dialled.set(key, Date.now());
    const socket = connect({ host, port });
    socket.once("connect", () => {
      const via = this.#adopt(socket);
      void this.#handlers
        ?.hello()
        .then((h) => this.send(via, h))
        .catch(() => undefined);
    });
    socket.once("error", () => socket.destroy());
  }

  #adopt(socket: Socket): string {
    const via = `c${++this.#seq}`;
    const link: Link = { socket, reader: new FrameReader(MAX_RENDEZVOUS_FRAME), idle: undefined };
    this.#links.set(via, link);
    const idleMs = this.#o.idleTimeoutMs ?? 60_000;
    const touch = (): void => {
      clearTimeout(link.idle);
      link.idle = setTimeout(() => socket.destroy(), idleMs);
    };
    touch();
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      const frames = link.reader.push(chunk);
      if (frames === undefined) {
        socket.destroy(); // a frame over the limit: the stream cannot be resynchronised
        return;
      }
      if (frames.length > 0) touch();
      for (const f of frames) this.#handlers?.onFrame(via, f);
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      clearTimeout(link.idle);
      this.#links.delete(via);
      const addr = `${socket.remoteAddress ?? ""}:${socket.remotePort ?? 0}`;
      this.#dialled.delete(addr);
    });
    return via;
  }
}
