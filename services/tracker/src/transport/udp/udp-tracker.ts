import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import {
  openDatagramSocket,
  type DatagramBackend,
  type DatagramBackendChoice,
  type DatagramSocket,
} from "@switchboard/datagram";
import type { AnnounceRequest, AnnounceResult } from "@switchboard/protocol";
import type { Logger } from "@switchboard/runtime";
import type { TrackerCore } from "../../core/tracker-core.js";
import { TrackerRefusal } from "../../errors.js";
import type { TrackerMetrics } from "../../metrics.js";
import { routeTrackerPath } from "../http/http-tracker.js";
import type { ConnectionIds } from "./connection-ids.js";
import {
  ANNOUNCE_REPLY_HEADER,
  decodeUdpRequest,
  encodeAnnounceReply,
  encodeConnectReply,
  encodeErrorReply,
  encodeScrapeReply,
  writeAnnounceReply,
  type UdpRequest,
} from "./udp-codec.js";

export interface UdpTrackerOptions {
  core: TrackerCore;
  connectionIds: ConnectionIds;
  metrics: TrackerMetrics;
  logger: Logger;
  /** Batched native I/O or node:dgram (see @switchboard/datagram); default "auto". */
  backend?: DatagramBackendChoice;
  /** SO_RCVBUF / SO_SNDBUF to ask for; 0 leaves the OS default (default 4 MiB). */
  bufferBytes?: number;
}

/** Where a request's reply goes: the socket it came in on (`DatagramSocket` satisfies this). */
export interface ReplyTo {
  send(body: Uint8Array, port: number, address: string): void;
  /**
   * A buffer an announce reply may be built in (the store writes the peers straight into it); only given where
   * `send` copies the bytes before it returns (the native backend), so the next reply can reuse it. A plain
   * `Uint8Array` (its views are made by V8's own `subarray`, not Buffer's), with `replyBytes` its `.buffer`.
   */
  readonly replyBuffer?: Uint8Array;
  readonly replyBytes?: ArrayBufferLike;
  /** Views of `replyBuffer` from its start, by length, made once each (most replies have one of a few lengths). */
  readonly replyViews?: Array<Uint8Array | undefined>;
}

/** Room of the in-place reply buffer: the header and 452 IPv6 or 1,363 IPv4 peers (larger lists get their own). */
const REPLY_BUFFER_BYTES = 8192;

/** Passkey from BEP 41 URL data (`/<passkey>/announce`). */
const passkeyOf = (urlData: string): string | undefined =>
  urlData === "" ? undefined : routeTrackerPath(urlData.split("?")[0] ?? "")?.passkey;

function toAnnounce(req: Extract<UdpRequest, { action: "announce" }>, address: string): AnnounceRequest {
  return {
    transport: "udp",
    infoHash: req.infoHash,
    peerId: req.peerId,
    address,
    port: req.port,
    uploaded: req.uploaded,
    downloaded: req.downloaded,
    left: req.left,
    event: req.event,
    numwant: req.numwant < 0 ? undefined : req.numwant,
    key: req.key,
    passkey: passkeyOf(req.urlData),
    compact: true,
  };
}

/** Sends a failure reply for a refused or failed request. */
function replyFailure(
  opts: UdpTrackerOptions,
  transactionId: number,
  err: unknown,
  to: ReplyTo,
  address: string,
  port: number,
): void {
  if (err instanceof TrackerRefusal) opts.logger.debug({ code: err.code }, "udp request refused");
  else opts.logger.error({ err }, "udp request failed");
  to.send(
    encodeErrorReply(transactionId, err instanceof TrackerRefusal ? err.reason : "internal error"),
    port,
    address,
  );
}

function announceReply(transactionId: number, r: AnnounceResult, to: ReplyTo | undefined): Uint8Array {
  const fields = {
    transactionId,
    interval: r.interval,
    leechers: r.incomplete,
    seeders: r.complete,
    peers: r.peers.compact4.length > 0 ? r.peers.compact4 : r.peers.compact6,
  };
  const into = to?.replyBuffer;
  if (into === undefined) return encodeAnnounceReply(fields);
  const length = writeAnnounceReply(into, fields, to?.replyBytes ?? into.buffer);
  if (length < 0) return encodeAnnounceReply(fields);
  const views = to?.replyViews;
  if (views === undefined) return into.subarray(0, length);
  let view = views[length];
  if (view === undefined) {
    view = into.subarray(0, length);
    views[length] = view;
  }
  return view;
}

/**
 * Handles one decoded datagram from `address`:`port`; the reply goes out through `to`. With a synchronous
 * store an announce is answered before this returns (so the reply joins the batch of its request; no closure
 * or promise per datagram); otherwise the returned promise settles once the reply is sent.
 */
export function handleUdpRequest(
  opts: UdpTrackerOptions,
  req: UdpRequest,
  address: string,
  port: number,
  to: ReplyTo,
): Promise<void> | undefined {
  if (req.action === "connect") {
    opts.logger.debug({ address }, "udp connect");
    to.send(encodeConnectReply(req.transactionId, opts.connectionIds.issue(address)), port, address);
    return undefined;
  }
  if (!opts.connectionIds.verifyWords(req.connectionIdHigh, req.connectionIdLow, address)) {
    opts.metrics.malformed.inc({ transport: "udp" });
    opts.logger.debug({ action: req.action, address }, "udp connection id refused");
    to.send(encodeErrorReply(req.transactionId, "invalid connection id"), port, address);
    return undefined;
  }
  const transactionId = req.transactionId;
  if (req.action === "announce") {
    let r: AnnounceResult | Promise<AnnounceResult>;
    const into = to.replyBuffer;
    try {
      r = opts.core.announceNow(toAnnounce(req, address), into, ANNOUNCE_REPLY_HEADER);
    } catch (err) {
      replyFailure(opts, transactionId, err, to, address, port);
      return undefined;
    }
    if (!(r instanceof Promise)) {
      to.send(announceReply(transactionId, r, to), port, address);
      return undefined;
    }
    // Answered later: other replies may have used the buffer meanwhile.
    return r.then(
      (done) => to.send(announceReply(transactionId, done, undefined), port, address),
      (err: unknown) => replyFailure(opts, transactionId, err, to, address, port),
    );
  }
  return scrape(opts, req, address, port, to).catch((err: unknown) =>
    replyFailure(opts, transactionId, err, to, address, port),
  );
}

async function scrape(
  opts: UdpTrackerOptions,
  req: Extract<UdpRequest, { action: "scrape" }>,
  address: string,
  port: number,
  to: ReplyTo,
): Promise<void> {
  const r = await opts.core.scrape({
    transport: "udp",
    infoHashes: req.infoHashes,
    address,
    passkey: passkeyOf(req.urlData),
  });
  const byHash = new Map(r.files.map((f) => [Buffer.from(f.infoHash).toString("latin1"), f.counts]));
  const zero = { complete: 0, incomplete: 0, downloaded: 0 };
  to.send(
    encodeScrapeReply(
      req.transactionId,
      req.infoHashes.map((h) => byHash.get(Buffer.from(h).toString("latin1")) ?? zero),
    ),
    port,
    address,
  );
}

/** An IP literal to bind: the configured host itself, or what it resolves to. */
async function bindAddress(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const family = isIP(host);
  if (family === 4 || family === 6) return { address: host, family };
  const found = await lookup(host);
  return { address: found.address, family: found.family === 6 ? 6 : 4 };
}

/**
 * The BEP 15 listener on `@switchboard/datagram`: with the native backend every readable turn drains the socket
 * with `recvmmsg`, answers each announce in the same turn and sends the replies with one `sendmmsg`.
 * Undecodable datagrams are counted and dropped without a reply.
 */
export class UdpTracker {
  readonly #opts: UdpTrackerOptions;
  #socket: DatagramSocket | undefined;
  /** Where replies go: the socket, with an in-place reply buffer when its `send` copies (native backend). */
  #replyTo: ReplyTo | undefined;
  constructor(opts: UdpTrackerOptions) {
    this.#opts = opts;
  }

  /** Which I/O the socket uses ("native" or "dgram"), once listening. */
  get backend(): DatagramBackend | undefined {
    return this.#socket?.backend;
  }

  async listen(port: number, host: string): Promise<{ address: string; port: number }> {
    const { metrics, logger } = this.#opts;
    const bind = await bindAddress(host);
    const socket = await openDatagramSocket({
      family: bind.family,
      address: bind.address,
      port,
      recvBufferBytes: this.#opts.bufferBytes ?? 4 << 20,
      sendBufferBytes: this.#opts.bufferBytes ?? 4 << 20,
      backend: this.#opts.backend ?? "auto",
      onMessage: (data, address, fromPort) => this.#onMessage(data, address, fromPort),
      onSendError: () => logger.debug("udp reply not sent"),
      onHandlerError: (err) => {
        metrics.malformed.inc({ transport: "udp" });
        logger.error({ err }, "udp datagram handler failed");
      },
    });
    this.#socket = socket;
    const replyBuffer = new Uint8Array(REPLY_BUFFER_BYTES);
    this.#replyTo =
      socket.backend === "native"
        ? {
            send: (body, to, address) => socket.send(body, to, address),
            replyBuffer,
            replyBytes: replyBuffer.buffer,
            replyViews: new Array<Uint8Array | undefined>(REPLY_BUFFER_BYTES + 1).fill(undefined),
          }
        : socket;
    return { address: socket.address, port: socket.port };
  }

  #onMessage(msg: Buffer, address: string, port: number): void {
    const to = this.#replyTo;
    if (to === undefined) return;
    const req = decodeUdpRequest(msg);
    if (req === undefined) {
      this.#opts.metrics.malformed.inc({ transport: "udp" });
      return;
    }
    // The native backend's `msg` is only valid during this call. An announce's bytes are read before
    // `announceNow` returns (the SwarmStore contract); a scrape, answered after awaits, gets copies.
    const detached =
      req.action === "scrape" ? { ...req, infoHashes: req.infoHashes.map((h) => Buffer.from(h)) } : req;
    void handleUdpRequest(this.#opts, detached, address, port, to);
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#replyTo = undefined;
    socket?.close();
    return Promise.resolve();
  }
}
