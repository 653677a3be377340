/**
 * The BEP 15 announce path of one listener, made for the rate it runs at: the datagram is read into objects
 * reused from announce to announce (no decoded request, no `AnnounceRequest` per datagram), the core applies the
 * same rules as for every transport, and with the native backend the reply is built where it leaves: in the
 * send queue, the store writing the peers straight into the datagram (no reply buffer, no copy of it).
 */
import type { InPlaceReplies } from "@switchboard/datagram";
import type { AnnounceRequest, AnnounceResult } from "@switchboard/protocol";
import type { Logger } from "@switchboard/runtime";
import type { TrackerCore } from "../../core/tracker-core.js";
import { TrackerRefusal } from "../../errors.js";
import type { TrackerMetrics } from "../../metrics.js";
import type { PeerListTarget } from "../../state/swarm-store.js";
import { routeTrackerPath } from "../http/http-tracker.js";
import type { ConnectionIds } from "./connection-ids.js";
import {
  ANNOUNCE_REPLY_HEADER,
  encodeAnnounceReply,
  encodeErrorReply,
  newUdpAnnounce,
  readUdpAnnounce,
  writeAnnounceHeader,
  type AnnounceReplyHeader,
} from "./udp-codec.js";

/** Where a request's reply goes: the socket it came in on (`DatagramSocket` satisfies this). */
export interface ReplyTo {
  send(body: Uint8Array, port: number, address: string): void;
}

export interface UdpRequestContext {
  core: TrackerCore;
  connectionIds: ConnectionIds;
  metrics: TrackerMetrics;
  logger: Logger;
}

/** Room reserved for an in-place reply: the header and 452 IPv6 or 1,363 IPv4 peers (longer lists are sent). */
export const IN_PLACE_ROOM = 8192;

/** Passkey from BEP 41 URL data (`/<passkey>/announce`). */
export const passkeyOf = (urlData: string): string | undefined =>
  urlData === "" ? undefined : routeTrackerPath(urlData.split("?")[0] ?? "")?.passkey;

/** Sends a failure reply for a refused or failed request. */
export function replyFailure(
  ctx: UdpRequestContext,
  transactionId: number,
  err: unknown,
  reply: { to: ReplyTo; address: string; port: number },
): void {
  if (err instanceof TrackerRefusal) ctx.logger.debug({ code: err.code }, "udp request refused");
  else ctx.logger.error({ err }, "udp request failed");
  reply.to.send(
    encodeErrorReply(transactionId, err instanceof TrackerRefusal ? err.reason : "internal error"),
    reply.port,
    reply.address,
  );
}

/**
 * Whether a request's connection id is one this tracker issued to `address`; if not, the request is counted as
 * malformed and answered with an error.
 */
export function connectionIdAccepted(
  ctx: UdpRequestContext,
  action: "announce" | "scrape",
  req: { transactionId: number; connectionIdHigh: number; connectionIdLow: number },
  to: ReplyTo,
  address: string,
  port: number,
): boolean {
  if (ctx.connectionIds.verifyWords(req.connectionIdHigh, req.connectionIdLow, address)) return true;
  ctx.metrics.malformed.inc({ transport: "udp" });
  ctx.logger.debug({ action, address }, "udp connection id refused");
  to.send(encodeErrorReply(req.transactionId, "invalid connection id"), port, address);
  return false;
}

const peersOf = (r: AnnounceResult): Uint8Array =>
  r.peers.compact4.length > 0 ? r.peers.compact4 : r.peers.compact6;

function encodeReply(transactionId: number, r: AnnounceResult): Uint8Array {
  return encodeAnnounceReply({
    transactionId,
    interval: r.interval,
    leechers: r.incomplete,
    seeders: r.complete,
    peers: peersOf(r),
  });
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class UdpAnnouncer {
  readonly #ctx: UdpRequestContext;
  readonly #to: ReplyTo;
  readonly #inPlace: InPlaceReplies | undefined;
  readonly #fields = newUdpAnnounce();
  /** The request handed to the core, reused: the core only reads it during `announceNow` (its contract). */
  readonly #req: Mutable<AnnounceRequest>;
  readonly #target: PeerListTarget | undefined;
  readonly #head: AnnounceReplyHeader = { transactionId: 0, interval: 0, leechers: 0, seeders: 0 };
  #urlData = "";
  #passkey: string | undefined;

  /** `inPlace`: the native backend's in-place replies, whose datagrams go out through `to`. */
  constructor(ctx: UdpRequestContext, to: ReplyTo, inPlace?: InPlaceReplies) {
    this.#ctx = ctx;
    this.#to = to;
    this.#inPlace = inPlace;
    const f = this.#fields;
    this.#req = {
      transport: "udp",
      infoHash: f.infoHash,
      peerId: f.peerId,
      address: "",
      port: 0,
      uploaded: 0,
      downloaded: 0,
      left: 0,
      event: "none",
      numwant: undefined,
      key: undefined,
      passkey: undefined,
      compact: true,
    };
    this.#target = inPlace && { bytes: inPlace.arena, at: 0, end: 0, written: -1 };
  }

  /**
   * Answers one announce datagram (action 1). With a synchronous store the reply is queued before this returns;
   * otherwise the promise settles once it is. Undecodable datagrams are counted and get no reply.
   */
  handle(msg: Buffer, address: string, port: number): Promise<void> | undefined {
    const ctx = this.#ctx;
    const f = this.#fields;
    if (!readUdpAnnounce(msg, f)) {
      ctx.metrics.malformed.inc({ transport: "udp" });
      return undefined;
    }
    const transactionId = f.transactionId;
    if (!connectionIdAccepted(ctx, "announce", f, this.#to, address, port)) return undefined;
    const req = this.#req;
    req.address = address;
    req.port = f.port;
    req.uploaded = f.uploaded;
    req.downloaded = f.downloaded;
    req.left = f.left;
    req.event = f.event;
    req.numwant = f.numwant < 0 ? undefined : f.numwant;
    req.key = f.key;
    if (f.urlData !== this.#urlData) {
      this.#urlData = f.urlData;
      this.#passkey = passkeyOf(f.urlData);
    }
    req.passkey = this.#passkey;
    const inPlace = this.#inPlace;
    const target = this.#target;
    const at = inPlace === undefined ? -1 : inPlace.reserveReply(IN_PLACE_ROOM);
    if (target !== undefined && at >= 0) {
      target.at = at + ANNOUNCE_REPLY_HEADER;
      target.end = at + IN_PLACE_ROOM;
    }
    let r: AnnounceResult | Promise<AnnounceResult>;
    try {
      r = ctx.core.announceNow(req, at >= 0 ? target : undefined);
    } catch (err) {
      replyFailure(ctx, transactionId, err, { to: this.#to, address, port });
      return undefined;
    }
    if (r instanceof Promise) {
      return r.then(
        (done) => this.#to.send(encodeReply(transactionId, done), port, address),
        (err: unknown) => replyFailure(ctx, transactionId, err, { to: this.#to, address, port }),
      );
    }
    if (inPlace === undefined || target === undefined || at < 0) {
      this.#to.send(encodeReply(transactionId, r), port, address);
      return undefined;
    }
    let length = ANNOUNCE_REPLY_HEADER + target.written;
    if (target.written < 0) {
      // The store gave a list of its own (none to give, or a store that does not write in place).
      const peers = peersOf(r);
      length = ANNOUNCE_REPLY_HEADER + peers.length;
      if (length > IN_PLACE_ROOM) {
        this.#to.send(encodeReply(transactionId, r), port, address);
        return undefined;
      }
      target.bytes.set(peers, target.at);
    }
    const head = this.#head;
    head.transactionId = transactionId;
    head.interval = r.interval;
    head.leechers = r.incomplete;
    head.seeders = r.complete;
    writeAnnounceHeader(target.bytes, at, head);
    // Nothing is sent between the reservation and here (the store and the core do not send).
    if (!inPlace.commitReply(length)) throw new Error("in-place UDP reply lost its reserved room");
    return undefined;
  }
}
