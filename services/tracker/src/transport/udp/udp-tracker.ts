import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import {
  inPlaceReplies,
  openDatagramSocket,
  type DatagramBackend,
  type DatagramBackendChoice,
  type DatagramSocket,
} from "@switchboard/datagram";
import type { Logger } from "@switchboard/runtime";
import type { TrackerCore } from "../../core/tracker-core.js";
import type { TrackerMetrics } from "../../metrics.js";
import type { ConnectionIds } from "./connection-ids.js";
import type { UdpFastPath } from "./udp-fast-path.js";
import {
  connectionIdAccepted,
  passkeyOf,
  replyFailure,
  UdpAnnouncer,
  type ReplyTo,
  type UdpRequestContext,
} from "./udp-announcer.js";
import {
  ACTION_ANNOUNCE,
  decodeUdpRequest,
  encodeConnectReply,
  encodeScrapeReply,
  u32,
  type UdpRequest,
} from "./udp-codec.js";

export { UdpAnnouncer, type ReplyTo } from "./udp-announcer.js";

export interface UdpTrackerOptions {
  core: TrackerCore;
  connectionIds: ConnectionIds;
  metrics: TrackerMetrics;
  logger: Logger;
  /** Batched native I/O or node:dgram (see @switchboard/datagram); default "auto". */
  backend?: DatagramBackendChoice;
  /** SO_RCVBUF / SO_SNDBUF to ask for; 0 leaves the OS default (default 4 MiB). */
  bufferBytes?: number;
  /**
   * The C announce path over the native store, attached when the socket is native; it answers announces only
   * while `fastPathAllowed()` (read at listen and at every `refreshFastPath()`).
   */
  fastPath?: UdpFastPath;
  fastPathAllowed?: () => boolean;
}

/** A decoded connect or scrape (announces go through `UdpAnnouncer`). */
export type UdpOtherRequest = Exclude<UdpRequest, { action: "announce" }>;

/**
 * Handles one decoded connect or scrape from `address`:`port`; the reply goes out through `to`. A connect is
 * answered before this returns; a scrape's returned promise settles once its reply is sent.
 */
export function handleUdpRequest(
  ctx: UdpRequestContext,
  req: UdpOtherRequest,
  address: string,
  port: number,
  to: ReplyTo,
): Promise<void> | undefined {
  if (req.action === "connect") {
    ctx.logger.debug({ address }, "udp connect");
    to.send(encodeConnectReply(req.transactionId, ctx.connectionIds.issue(address)), port, address);
    return undefined;
  }
  if (!connectionIdAccepted(ctx, req.action, req, to, address, port)) return undefined;
  const transactionId = req.transactionId;
  return scrape(ctx, req, address, port, to).catch((err: unknown) =>
    replyFailure(ctx, transactionId, err, { to, address, port }),
  );
}

async function scrape(
  opts: UdpRequestContext,
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
  #announcer: UdpAnnouncer | undefined;
  #fastAttached = false;
  constructor(opts: UdpTrackerOptions) {
    this.#opts = opts;
  }

  /** Which I/O the socket uses ("native" or "dgram"), once listening. */
  get backend(): DatagramBackend | undefined {
    return this.#socket?.backend;
  }

  /** The C announce path this listener was given, if any. */
  get fastPath(): UdpFastPath | undefined {
    return this.#opts.fastPath;
  }

  /** Whether announces are being answered by the C path (attached and allowed). */
  get fastPathActive(): boolean {
    return this.#fastAttached && (this.#opts.fastPath?.enabled ?? false);
  }

  /** Switches the C path on or off after what `fastPathAllowed` depends on changed (access rules reloaded). */
  refreshFastPath(): void {
    const fast = this.#opts.fastPath;
    if (fast === undefined) return;
    fast.enable(this.#fastAttached && (this.#opts.fastPathAllowed?.() ?? false));
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
    const fast = this.#opts.fastPath;
    if (fast !== undefined && socket.attachNativeHandler(fast.handler)) {
      this.#fastAttached = true;
      metrics.countAnnouncesFrom("udp", () => fast.take());
      this.refreshFastPath();
    }
    // The native backend's replies are built in its send queue; node:dgram's go through `send`.
    this.#announcer = new UdpAnnouncer(
      this.#opts,
      socket,
      socket.backend === "native" ? inPlaceReplies() : undefined,
    );
    return { address: socket.address, port: socket.port };
  }

  #onMessage(msg: Buffer, address: string, port: number): void {
    const socket = this.#socket;
    const announcer = this.#announcer;
    if (socket === undefined || announcer === undefined) return;
    if (msg.length >= 16 && u32(msg, 8) === ACTION_ANNOUNCE) {
      void announcer.handle(msg, address, port);
      return;
    }
    const req = decodeUdpRequest(msg);
    if (req === undefined || req.action === "announce") {
      this.#opts.metrics.malformed.inc({ transport: "udp" });
      return;
    }
    // The native backend's `msg` is only valid during this call: a scrape, answered after awaits, gets copies.
    const detached =
      req.action === "scrape" ? { ...req, infoHashes: req.infoHashes.map((h) => Buffer.from(h)) } : req;
    void handleUdpRequest(this.#opts, detached, address, port, socket);
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#announcer = undefined;
    if (this.#fastAttached) {
      this.#fastAttached = false;
      this.refreshFastPath();
      socket?.attachNativeHandler(undefined);
    }
    socket?.close();
    return Promise.resolve();
  }
}
