import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { once } from "node:events";
import { isIPv6 } from "node:net";
import type { AnnounceRequest } from "@switchboard/protocol";
import type { Logger } from "@switchboard/runtime";
import type { TrackerCore } from "../../core/tracker-core.js";
import { TrackerRefusal } from "../../errors.js";
import type { TrackerMetrics } from "../../metrics.js";
import { routeTrackerPath } from "../http/http-tracker.js";
import type { ConnectionIds } from "./connection-ids.js";
import {
  decodeUdpRequest,
  encodeAnnounceReply,
  encodeConnectReply,
  encodeErrorReply,
  encodeScrapeReply,
  type UdpRequest,
} from "./udp-codec.js";

export interface UdpTrackerOptions {
  core: TrackerCore;
  connectionIds: ConnectionIds;
  metrics: TrackerMetrics;
  logger: Logger;
}

type Reply = (body: Buffer) => void;

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

/** Handles one decoded datagram; `reply` sends back to its source. Exported for tests without sockets. */
export async function handleUdpRequest(
  opts: UdpTrackerOptions,
  req: UdpRequest,
  address: string,
  reply: Reply,
): Promise<void> {
  if (req.action === "connect") {
    opts.logger.debug({ address }, "udp connect");
    reply(encodeConnectReply(req.transactionId, opts.connectionIds.issue(address)));
    return;
  }
  if (!opts.connectionIds.verify(req.connectionId, address)) {
    opts.metrics.malformed.inc({ transport: "udp" });
    opts.logger.debug({ action: req.action, address }, "udp connection id refused");
    reply(encodeErrorReply(req.transactionId, "invalid connection id"));
    return;
  }
  try {
    if (req.action === "announce") {
      const r = await opts.core.announce(toAnnounce(req, address));
      const peers = r.peers.compact4.length > 0 ? r.peers.compact4 : r.peers.compact6;
      reply(
        encodeAnnounceReply({
          transactionId: req.transactionId,
          interval: r.interval,
          leechers: r.incomplete,
          seeders: r.complete,
          peers,
        }),
      );
    } else {
      const r = await opts.core.scrape({
        transport: "udp",
        infoHashes: req.infoHashes,
        address,
        passkey: passkeyOf(req.urlData),
      });
      const byHash = new Map(r.files.map((f) => [Buffer.from(f.infoHash).toString("latin1"), f.counts]));
      const zero = { complete: 0, incomplete: 0, downloaded: 0 };
      reply(
        encodeScrapeReply(
          req.transactionId,
          req.infoHashes.map((h) => byHash.get(Buffer.from(h).toString("latin1")) ?? zero),
        ),
      );
    }
  } catch (err) {
    if (err instanceof TrackerRefusal) opts.logger.debug({ code: err.code }, "udp request refused");
    else opts.logger.error({ err }, "udp request failed");
    reply(encodeErrorReply(req.transactionId, err instanceof TrackerRefusal ? err.reason : "internal error"));
  }
}

/** The BEP 15 listener: undecodable datagrams are counted and dropped without a reply. */
export class UdpTracker {
  readonly #opts: UdpTrackerOptions;
  #socket: Socket | undefined;
  constructor(opts: UdpTrackerOptions) {
    this.#opts = opts;
  }

  async listen(port: number, host: string): Promise<{ address: string; port: number }> {
    const socket = createSocket({ type: isIPv6(host) ? "udp6" : "udp4", recvBufferSize: 4 << 20 });
    this.#socket = socket;
    socket.on("message", (msg: Buffer, rinfo: RemoteInfo) => this.#onMessage(socket, msg, rinfo));
    socket.on("error", (err) => this.#opts.logger.warn({ err }, "udp socket error"));
    socket.bind(port, host);
    await once(socket, "listening");
    const a = socket.address();
    return { address: a.address, port: a.port };
  }

  #onMessage(socket: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    const req = decodeUdpRequest(msg);
    if (req === undefined) {
      this.#opts.metrics.malformed.inc({ transport: "udp" });
      return;
    }
    const reply: Reply = (body) => {
      try {
        socket.send(body, rinfo.port, rinfo.address);
      } catch (err) {
        this.#opts.logger.debug({ err }, "udp reply not sent");
      }
    };
    void handleUdpRequest(this.#opts, req, rinfo.address, reply);
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
