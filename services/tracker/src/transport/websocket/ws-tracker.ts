import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { WsAnnounceMessage, WsScrapeMessage, WsServerMessage } from "@switchboard/protocol";
import type { Logger } from "@switchboard/runtime";
import type { TrackerCore } from "../../core/tracker-core.js";
import { TrackerRefusal } from "../../errors.js";
import type { TrackerMetrics } from "../../metrics.js";
import type { ClientAddress } from "../http/client-address.js";
import { binaryToBytes, bytesToBinary, decodeWsMessage } from "./ws-messages.js";

export interface WsTrackerOptions {
  core: TrackerCore;
  metrics: TrackerMetrics;
  logger: Logger;
  /** Offers relayed from one announce at most (extra offers are dropped). */
  maxOffers: number;
  /** Largest frame accepted, bytes. */
  maxPayload: number;
  /** Swarms one connection may join. */
  maxSwarmsPerSocket: number;
  /** The peer's address from the socket's and `X-Forwarded-For` (trusted proxies only). */
  clientAddress: ClientAddress;
}

/** A connection and the swarms (info-hash ‖ peer id, binary strings) it announced in. */
interface Conn {
  readonly socket: WebSocket;
  readonly address: string;
  readonly passkey: string | undefined;
  readonly joined: Set<string>;
  /** Answered the last ping (or sent anything since). */
  alive: boolean;
}

/** Connections are pinged this often; one that has not answered the previous ping is closed. */
export const WS_HEARTBEAT_MS = 30_000;

/**
 * WebTorrent tracking over WebSocket on the HTTP port: announces go through the core like any other; offers
 * are relayed to the peers the core picked and answers back to the offering peer. Bad frames get a failure
 * reply and a counter, never a crash.
 */
export class WsTracker {
  readonly #o: WsTrackerOptions;
  readonly #wss: WebSocketServer;
  /** info-hash ‖ peer id → the connection that announced it. */
  readonly #peers = new Map<string, Conn>();
  readonly #conns = new Set<Conn>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(opts: WsTrackerOptions) {
    this.#o = opts;
    this.#heartbeat = setInterval(() => {
      for (const conn of this.#conns) {
        if (!conn.alive) conn.socket.terminate();
        else {
          conn.alive = false;
          conn.socket.ping();
        }
      }
    }, WS_HEARTBEAT_MS);
    this.#heartbeat.unref();
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayload,
      perMessageDeflate: false,
    });
  }

  get connections(): number {
    return this.#wss.clients.size;
  }

  /** Takes over HTTP upgrades on `server` (any path; `/<passkey>` or `/<passkey>/announce` carries a passkey). */
  attach(server: Server): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, req));
    });
  }

  #onConnection(socket: WebSocket, req: IncomingMessage): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const first = path.split("/")[1] ?? "";
    const passkey = first === "" || first === "announce" ? undefined : first;
    const forwarded = req.headers["x-forwarded-for"];
    const address = this.#o.clientAddress(
      req.socket.remoteAddress ?? "",
      Array.isArray(forwarded) ? forwarded.join(",") : forwarded,
    );
    const conn: Conn = { socket, address, passkey, joined: new Set(), alive: true };
    this.#conns.add(conn);
    socket.on("pong", () => {
      conn.alive = true;
    });
    socket.on("message", (data: RawData, isBinary: boolean) => {
      const text = isBinary ? undefined : Buffer.isBuffer(data) ? data.toString("utf8") : undefined;
      const msg = text === undefined ? undefined : decodeWsMessage(text);
      if (msg === undefined) {
        this.#o.metrics.malformed.inc({ transport: "websocket" });
        this.#send(conn, { action: "announce", "failure reason": "invalid message" });
        return;
      }
      const done = msg.action === "announce" ? this.#announce(conn, msg) : this.#scrape(conn, msg);
      done.catch((err: unknown) => {
        if (!(err instanceof TrackerRefusal)) this.#o.logger.error({ err }, "websocket request failed");
        const reason = err instanceof TrackerRefusal ? err.reason : "internal error";
        const infoHash = msg.action === "announce" ? { info_hash: msg.info_hash } : {};
        this.#send(conn, { action: msg.action, "failure reason": reason, ...infoHash });
      });
    });
    socket.on("error", (err) => this.#o.logger.debug({ err }, "websocket error"));
    socket.on("close", () => {
      this.#conns.delete(conn);
      this.#leaveAll(conn);
    });
  }

  async #announce(conn: Conn, msg: WsAnnounceMessage): Promise<void> {
    const slotKey = msg.info_hash + msg.peer_id;
    const owner = this.#peers.get(slotKey);
    if (owner !== undefined && owner !== conn) {
      this.#o.core.authorize("websocket", binaryToBytes(msg.info_hash), conn.passkey);
      // The id belongs to a live connection: no takeover, no answers or `stopped` on its behalf.
      this.#o.metrics.refusals.inc({ transport: "websocket", code: "PEER_ID_IN_USE" });
      throw new TrackerRefusal("PEER_ID_IN_USE");
    }
    if (
      !conn.joined.has(slotKey) &&
      conn.joined.size >= this.#o.maxSwarmsPerSocket &&
      msg.event !== "stopped"
    ) {
      throw new TrackerRefusal("INVALID_PARAMETER", "too many torrents on one connection");
    }
    const offers = (msg.offers ?? []).slice(0, this.#o.maxOffers);
    // Claimed before the store is asked, so two connections racing for one id cannot both get it.
    const claimed = owner === undefined && msg.event !== "stopped";
    if (claimed) {
      conn.joined.add(slotKey);
      this.#peers.set(slotKey, conn);
    }
    let result;
    try {
      result = await this.#o.core.announce({
        transport: "websocket",
        infoHash: binaryToBytes(msg.info_hash),
        peerId: binaryToBytes(msg.peer_id),
        address: conn.address,
        port: 0,
        uploaded: msg.uploaded ?? 0,
        downloaded: msg.downloaded ?? 0,
        left: msg.left ?? Number.MAX_SAFE_INTEGER,
        event: msg.event ?? "none",
        numwant: Math.min(msg.numwant ?? offers.length, offers.length),
        key: undefined,
        passkey: conn.passkey,
        compact: true,
      });
    } catch (err) {
      if (claimed) this.#release(conn, slotKey);
      throw err;
    }
    if (msg.event === "stopped") this.#release(conn, slotKey);
    this.#send(conn, {
      action: "announce",
      info_hash: msg.info_hash,
      interval: result.interval,
      complete: result.complete,
      incomplete: result.incomplete,
    });
    const ids = result.peers.wsPeerIds;
    for (let i = 0; i < ids.length / 20 && i < offers.length; i++) {
      const offer = offers[i];
      const target = this.#peers.get(msg.info_hash + bytesToBinary(ids.subarray(i * 20, i * 20 + 20)));
      if (offer === undefined || target === undefined) continue;
      this.#o.metrics.relayed.inc({ kind: "offer" });
      this.#send(target, {
        action: "announce",
        info_hash: msg.info_hash,
        peer_id: msg.peer_id,
        offer_id: offer.offer_id,
        offer: offer.offer,
      });
    }
    if (msg.answer !== undefined && msg.to_peer_id !== undefined && msg.offer_id !== undefined) {
      const target = this.#peers.get(msg.info_hash + msg.to_peer_id);
      if (target === undefined) return;
      this.#o.metrics.relayed.inc({ kind: "answer" });
      this.#send(target, {
        action: "announce",
        info_hash: msg.info_hash,
        peer_id: msg.peer_id,
        offer_id: msg.offer_id,
        answer: msg.answer,
      });
    }
  }

  async #scrape(conn: Conn, msg: WsScrapeMessage): Promise<void> {
    const raw =
      msg.info_hash === undefined ? [] : Array.isArray(msg.info_hash) ? msg.info_hash : [msg.info_hash];
    const result = await this.#o.core.scrape({
      transport: "websocket",
      infoHashes: raw.map(binaryToBytes),
      address: conn.address,
      passkey: conn.passkey,
    });
    const files: Record<string, { complete: number; incomplete: number; downloaded: number }> = {};
    for (const f of result.files) files[bytesToBinary(f.infoHash)] = { ...f.counts };
    this.#send(conn, { action: "scrape", files });
  }

  #release(conn: Conn, slotKey: string): void {
    conn.joined.delete(slotKey);
    if (this.#peers.get(slotKey) === conn) this.#peers.delete(slotKey);
  }

  /** A closed connection leaves every swarm it joined. */
  #leaveAll(conn: Conn): void {
    for (const slotKey of conn.joined) {
      if (this.#peers.get(slotKey) !== conn) continue;
      this.#peers.delete(slotKey);
      this.#o.core
        .announce({
          transport: "websocket",
          infoHash: binaryToBytes(slotKey.slice(0, 20)),
          peerId: binaryToBytes(slotKey.slice(20)),
          address: conn.address,
          port: 0,
          uploaded: 0,
          downloaded: 0,
          left: 0,
          event: "stopped",
          numwant: 0,
          key: undefined,
          passkey: conn.passkey,
          compact: true,
        })
        .catch((err: unknown) => this.#o.logger.debug({ err }, "websocket leave failed"));
    }
    conn.joined.clear();
  }

  #send(conn: Conn, msg: WsServerMessage): void {
    if (conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify(msg));
  }

  close(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const client of this.#wss.clients) client.terminate();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }
}
