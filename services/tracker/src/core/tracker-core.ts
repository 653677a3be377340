import {
  INFO_HASH_LENGTH,
  PEER_ID_LENGTH,
  type AnnounceRequest,
  type AnnounceResult,
  type ScrapeRequest,
  type ScrapeResult,
  type TrackerTransport,
} from "@switchboard/protocol";
import type { AccessPolicy } from "../access/access-policy.js";
import { TrackerRefusal } from "../errors.js";
import type { AnnounceTally, TrackerMetrics } from "../metrics.js";
import { addressToBytes, isMappedIPv4 } from "../state/peer-address.js";
import type {
  PeerListTarget,
  PeerSelection,
  StoreAnnounceOutcome,
  SwarmStore,
} from "../state/swarm-store.js";

/** The per-address announce limiter the core asks (KeyedRateLimiter by text, or NativeRateLimiter by bytes). */
export interface AnnounceLimiter {
  /**
   * Spends one token of the client's address — its text and its 16 bytes (IPv4 as IPv4-mapped; shared, read
   * only) — false when it has none.
   */
  allow(address: string, ip: Uint8Array): boolean;
}

export interface TrackerCoreOptions {
  store: SwarmStore;
  access: AccessPolicy;
  metrics: TrackerMetrics;
  /** Per-address announce limiter; undefined turns limiting off. */
  limiter: AnnounceLimiter | undefined;
  intervalSeconds: number;
  minIntervalSeconds: number;
  numwantDefault: number;
  numwantMax: number;
  /** Most info-hashes in one scrape. */
  scrapeMax: number;
  /** Whether a scrape without info-hashes lists every torrent (up to `scrapeMax`). */
  scrapeAll: boolean;
}

/** Client addresses whose parsed bytes are kept before the cache starts over (bounded whatever clients do). */
const ADDRESS_CACHE_MAX = 16_384;

/**
 * The one announce/scrape core every transport calls with the shared request shape. Refusals are thrown as
 * `TrackerRefusal` (and counted); transports turn them into their own failure replies.
 */
export class TrackerCore {
  readonly #o: TrackerCoreOptions;
  /** Announces served, by transport: plain numbers the metrics registry collects when read. */
  readonly #announced: AnnounceTally;
  readonly #addresses = new Map<string, Uint8Array>();
  constructor(opts: TrackerCoreOptions) {
    this.#o = opts;
    this.#announced = opts.metrics.announced;
  }

  get intervalSeconds(): number {
    return this.#o.intervalSeconds;
  }

  /**
   * Throws (and counts) the refusal the access rules give this torrent and passkey, if any: lets a transport
   * answer "passkey required" before revealing anything about the swarm.
   */
  authorize(transport: TrackerTransport, infoHash: Uint8Array, passkey: string | undefined): void {
    const denied = this.#o.access.check(infoHash, passkey);
    if (denied === undefined) return;
    this.#o.metrics.refusals.inc({ transport, code: denied });
    throw new TrackerRefusal(denied);
  }

  /** Serves an announce; a synchronous store (memory) costs no extra promise turn. */
  announce(req: AnnounceRequest): Promise<AnnounceResult> {
    try {
      const out = this.announceNow(req);
      return out instanceof Promise ? out : Promise.resolve(out);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Serves an announce in this turn when the store is synchronous (memory): the result itself, or a refusal
   * thrown (and counted) at once. With an asynchronous store (Redis) a promise. Datagram transports use this
   * so a reply joins the batch of the datagram that asked for it; with `into` (see `PeerSelection.into`) a
   * synchronous store may write the compact peers there (`into.written` says; it is -1 otherwise). `req` is only
   * read during the call: a caller may reuse the object for its next request.
   */
  announceNow(req: AnnounceRequest, into?: PeerListTarget): AnnounceResult | Promise<AnnounceResult> {
    const o = this.#o;
    const transport = req.transport;
    if (into !== undefined) into.written = -1;
    try {
      if (req.infoHash.length !== INFO_HASH_LENGTH) throw new TrackerRefusal("INVALID_INFO_HASH");
      if (req.peerId.length !== PEER_ID_LENGTH) throw new TrackerRefusal("INVALID_PEER_ID");
      if (!Number.isInteger(req.port) || req.port < 0 || req.port > 65535)
        throw new TrackerRefusal("INVALID_PORT");
      if (req.transport !== "websocket" && req.port === 0 && req.event !== "stopped") {
        throw new TrackerRefusal("INVALID_PORT");
      }
      const ip = this.#addressBytes(req.address);
      if (ip === undefined) throw new TrackerRefusal("INVALID_PARAMETER", "address");
      if (o.limiter && req.event !== "stopped" && !o.limiter.allow(req.address, ip)) {
        throw new TrackerRefusal("RATE_LIMITED");
      }
      const denied = o.access.check(req.infoHash, req.passkey);
      if (denied) throw new TrackerRefusal(denied);
      const select: PeerSelection = {
        numwant: Math.max(0, Math.min(req.numwant ?? o.numwantDefault, o.numwantMax)),
        family: req.transport === "udp" ? (isMappedIPv4(ip) ? "v4" : "v6") : "both",
        withIds: !req.compact,
        into,
      };
      const outcome = o.store.announce(
        {
          infoHash: req.infoHash,
          peerId: req.peerId,
          ip,
          port: req.port,
          seeder: req.left === 0,
          key: req.key,
          kind: req.transport === "websocket" ? "ws" : "ip",
          remove: req.event === "stopped",
          completed: req.event === "completed",
        },
        select,
      );
      if (outcome instanceof Promise) {
        return outcome
          .then((out) => this.#finish(transport, out))
          .catch((err: unknown) => {
            throw this.#refused(transport, err);
          });
      }
      return this.#finish(transport, outcome);
    } catch (err) {
      throw this.#refused(transport, err);
    }
  }

  /**
   * The 16 stored bytes of a client address, parsed once per address (a client announces many torrents): the
   * arrays are shared, and the store only reads them (the SwarmStore contract).
   */
  #addressBytes(address: string): Uint8Array | undefined {
    let ip = this.#addresses.get(address);
    if (ip === undefined) {
      ip = addressToBytes(address);
      if (ip === undefined) return undefined;
      if (this.#addresses.size >= ADDRESS_CACHE_MAX) this.#addresses.clear();
      this.#addresses.set(address, ip);
    }
    return ip;
  }

  #finish(transport: TrackerTransport, outcome: StoreAnnounceOutcome): AnnounceResult {
    if (!outcome.ok) throw new TrackerRefusal(outcome.failure);
    this.#announced[transport]++;
    const counts = outcome.counts;
    return {
      complete: counts.complete,
      incomplete: counts.incomplete,
      downloaded: counts.downloaded,
      interval: this.#o.intervalSeconds,
      minInterval: this.#o.minIntervalSeconds,
      peers: outcome.peers,
    };
  }

  /** Counts a refusal (once) and gives back the error to throw. */
  #refused(transport: TrackerTransport, err: unknown): Error {
    if (err instanceof TrackerRefusal) this.#o.metrics.refusals.inc({ transport, code: err.code });
    return err instanceof Error ? err : new Error(String(err));
  }

  async scrape(req: ScrapeRequest): Promise<ScrapeResult> {
    const o = this.#o;
    try {
      const denied = o.access.check(undefined, req.passkey);
      if (denied) throw new TrackerRefusal(denied);
      if (req.infoHashes.length === 0) {
        if (!o.scrapeAll) throw new TrackerRefusal("SCRAPE_ALL_DISABLED");
        o.metrics.scrapes.inc({ transport: req.transport });
        return { files: await o.store.scrapeAll(o.scrapeMax) };
      }
      if (req.infoHashes.length > o.scrapeMax) throw new TrackerRefusal("TOO_MANY_INFO_HASHES");
      for (const h of req.infoHashes)
        if (h.length !== INFO_HASH_LENGTH) throw new TrackerRefusal("INVALID_INFO_HASH");
      const hashes = req.infoHashes.filter((h) => o.access.check(h, req.passkey) === undefined);
      const counts = await o.store.scrape(hashes);
      o.metrics.scrapes.inc({ transport: req.transport });
      return {
        files: hashes.map((infoHash, i) => ({
          infoHash,
          counts: counts[i] ?? { complete: 0, incomplete: 0, downloaded: 0 },
        })),
      };
    } catch (err) {
      if (err instanceof TrackerRefusal) o.metrics.refusals.inc({ transport: req.transport, code: err.code });
      throw err;
    }
  }
}
