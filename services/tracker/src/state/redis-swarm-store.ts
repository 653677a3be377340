import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { SelectedPeers, SwarmCounts } from "@switchboard/protocol";
import type { Clock, Logger } from "@switchboard/runtime";
import { TrackerRefusal } from "../errors.js";
import { isMappedIPv4 } from "./peer-address.js";
import { ANNOUNCE_SCRIPT, SWEEP_SCRIPT } from "./redis-scripts.js";
import { FLAG_HAS_KEY, FLAG_SEEDER, FLAG_V6, FLAG_WS } from "./peer-arena.js";
import type {
  PeerSelection,
  PeerUpdate,
  StoreAnnounceOutcome,
  StoreTotals,
  SwarmStore,
} from "./swarm-store.js";

export interface RedisSwarmStoreOptions {
  url: string;
  /** Key prefix, e.g. `tracker:`. */
  prefix: string;
  peerTtlSeconds: number;
  clock: Clock;
  logger: Logger;
  /** Told when the connection goes up or down (health). */
  onStatus?: (ok: boolean) => void;
}

const RECORD = 23;
/** A Redis command not answered within this fails (the announce is refused as unavailable). */
const COMMAND_TIMEOUT_MS = 2000;
const sha1 = (s: string): string => createHash("sha1").update(s).digest("hex");

/** Swarms in Redis, so tracker instances behind one load balancer answer alike. */
export class RedisSwarmStore implements SwarmStore {
  readonly #redis: Redis;
  readonly #o: RedisSwarmStoreOptions;
  readonly #scripts = {
    announce: { lua: ANNOUNCE_SCRIPT, sha: sha1(ANNOUNCE_SCRIPT) },
    sweep: { lua: SWEEP_SCRIPT, sha: sha1(SWEEP_SCRIPT) },
  };
  #totals: StoreTotals = { torrents: 0, seeders: 0, leechers: 0 };
  /** Connected at least once. */
  #connected = false;
  readonly #refresh: NodeJS.Timeout;

  constructor(opts: RedisSwarmStoreOptions) {
    this.#o = opts;
    // Requests are refused at once while Redis is down (`#ready`), and a command Redis does not answer in
    // time fails instead of holding the announce.
    this.#redis = new Redis(opts.url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Reconnect within half a second of Redis coming back, however long it was gone.
      retryStrategy: (times: number) => Math.min(times * 50, 500),
    });
    this.#redis.on("ready", () => {
      this.#connected = true;
      opts.onStatus?.(true);
    });
    this.#redis.on("error", (err: Error) => {
      opts.onStatus?.(false);
      opts.logger.warn({ err: err.message }, "redis error");
    });
    this.#refresh = setInterval(() => void this.#refreshTotals(), 2000);
    this.#refresh.unref();
  }

  #keys(hex: string): string[] {
    const p = this.#o.prefix;
    return [
      `${p}s:${hex}:peers`,
      `${p}s:${hex}:exp`,
      `${p}s:${hex}:cnt`,
      `${p}swarms`,
      `${p}totals`,
      `${p}s:${hex}:keys`,
    ];
  }

  /**
   * Runs `fn` against Redis; while a lost connection is not back, or when Redis fails, the request is refused as
   * `UNAVAILABLE` ("tracker temporarily unavailable") at once: answered, never held, never an error log.
   */
  async #use<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    // Before the first connection, requests wait for it (bounded by the command timeout).
    if (this.#connected && this.#redis.status !== "ready") throw new TrackerRefusal("UNAVAILABLE");
    try {
      return await fn(this.#redis);
    } catch (err) {
      this.#o.logger.debug({ err }, "redis request failed");
      throw new TrackerRefusal("UNAVAILABLE");
    }
  }

  #run(
    script: { lua: string; sha: string },
    keys: string[],
    args: (string | Buffer | number)[],
  ): Promise<unknown> {
    return this.#use(async (r) => {
      try {
        return await r.callBuffer("EVALSHA", [script.sha, keys.length, ...keys, ...args]);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
        return r.callBuffer("EVAL", [script.lua, keys.length, ...keys, ...args]);
      }
    });
  }

  async announce(update: PeerUpdate, select: PeerSelection): Promise<StoreAnnounceOutcome> {
    const hex = Buffer.from(update.infoHash).toString("hex");
    const rec = Buffer.alloc(RECORD);
    rec.set(update.ip, 0);
    rec.writeUInt16BE(update.port, 16);
    rec[18] =
      (update.seeder ? FLAG_SEEDER : 0) |
      (isMappedIPv4(update.ip) ? 0 : FLAG_V6) |
      (update.kind === "ws" ? FLAG_WS : 0) |
      (update.key === undefined ? 0 : FLAG_HAS_KEY);
    rec.writeUInt32BE((update.key ?? 0) >>> 0, 19);
    const now = this.#o.clock.now();
    const reply = (await this.#run(this.#scripts.announce, this.#keys(hex), [
      Buffer.from(update.peerId),
      rec,
      update.seeder ? 1 : 0,
      update.remove ? 1 : 0,
      update.completed ? 1 : 0,
      now,
      now + this.#o.peerTtlSeconds * 1000,
      select.numwant,
      hex,
      update.key === undefined ? 0 : 1,
    ])) as Array<number | Buffer>;
    if (reply[0] === -1) return { ok: false, failure: "KEY_MISMATCH" };
    const counts = { complete: Number(reply[0]), incomplete: Number(reply[1]), downloaded: Number(reply[2]) };
    return { ok: true, counts, peers: pickPeers(reply.slice(3) as Buffer[], select, update.kind) };
  }

  async scrape(infoHashes: readonly Uint8Array[]): Promise<readonly SwarmCounts[]> {
    if (infoHashes.length === 0) return [];
    const results = await this.#use(async (r) => {
      const pipeline = r.pipeline();
      for (const h of infoHashes)
        pipeline.hmget(`${this.#o.prefix}s:${Buffer.from(h).toString("hex")}:cnt`, "s", "l", "d");
      const out = (await pipeline.exec()) ?? [];
      const failed = out.find(([e]) => e);
      if (failed) throw failed[0] as Error;
      return out;
    });
    return results.map(([, v]) => {
      const [s, l, d] = (v as Array<string | null> | null) ?? [];
      return { complete: Number(s ?? 0), incomplete: Number(l ?? 0), downloaded: Number(d ?? 0) };
    });
  }

  async scrapeAll(limit: number): Promise<ReadonlyArray<{ infoHash: Uint8Array; counts: SwarmCounts }>> {
    const hexes = await this.#use((r) => r.zrange(`${this.#o.prefix}swarms`, "0", String(limit - 1)));
    const hashes = hexes.map((h) => Buffer.from(h, "hex"));
    const counts = await this.scrape(hashes);
    return hashes.map((infoHash, i) => ({
      infoHash,
      counts: counts[i] ?? { complete: 0, incomplete: 0, downloaded: 0 },
    }));
  }

  totals(): StoreTotals {
    return this.#totals;
  }

  async #refreshTotals(): Promise<void> {
    try {
      const p = this.#o.prefix;
      const [[, torrents], [, sl]] = ((await this.#redis
        .multi()
        .zcard(`${p}swarms`)
        .hmget(`${p}totals`, "s", "l")
        .exec()) ?? []) as Array<[unknown, unknown]> as [[unknown, number], [unknown, Array<string | null>]];
      this.#totals = { torrents, seeders: Number(sl[0] ?? 0), leechers: Number(sl[1] ?? 0) };
    } catch (err) {
      this.#o.logger.debug({ err }, "redis totals not refreshed");
    }
  }

  /** Sweeps swarms nobody announced to for a TTL (their peers have all expired). */
  async sweep(): Promise<number> {
    const now = this.#o.clock.now();
    const idle = await this.#use((r) =>
      r.zrangebyscore(
        `${this.#o.prefix}swarms`,
        "-inf",
        now - this.#o.peerTtlSeconds * 1000,
        "LIMIT",
        0,
        1000,
      ),
    );
    let removed = 0;
    for (const hex of idle)
      removed += Number(await this.#run(this.#scripts.sweep, this.#keys(hex), [now, hex]));
    await this.#refreshTotals();
    return removed;
  }

  async close(): Promise<void> {
    clearInterval(this.#refresh);
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

/** Packs records picked by the script into the same shape the memory store gives. */
function pickPeers(flat: readonly Buffer[], select: PeerSelection, kind: "ip" | "ws"): SelectedPeers {
  const c4: Buffer[] = [];
  const c6: Buffer[] = [];
  const i4: Buffer[] = [];
  const i6: Buffer[] = [];
  const ws: Buffer[] = [];
  for (let i = 0; i + 1 < flat.length && c4.length + c6.length + ws.length < select.numwant; i += 2) {
    const field = flat[i];
    const rec = flat[i + 1];
    // field: peer id ‖ address (records of an older layout, keyed by the id alone, are skipped until they expire)
    if (field === undefined || rec === undefined || rec.length !== RECORD || field.length !== 36) continue;
    const id = field.subarray(0, 20);
    const flags = rec[18] ?? 0;
    if ((flags & FLAG_WS) !== 0) {
      if (kind === "ws") ws.push(id);
    } else if (kind === "ws") {
      continue;
    } else if ((flags & FLAG_V6) === 0) {
      if (select.family === "v6") continue;
      c4.push(rec.subarray(12, 18));
      i4.push(id);
    } else if (select.family !== "v4") {
      c6.push(rec.subarray(0, 18));
      i6.push(id);
    }
  }
  return {
    compact4: Buffer.concat(c4),
    compact6: Buffer.concat(c6),
    ids4: select.withIds ? Buffer.concat(i4) : undefined,
    ids6: select.withIds ? Buffer.concat(i6) : undefined,
    wsPeerIds: Buffer.concat(ws),
  };
}
