import type { ChatEntry, MeetingStatus } from "@switchboard/protocol";
import type { Logger } from "@switchboard/runtime";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { StoreUnavailableError } from "../errors.js";
import type { SignalingMetrics } from "../metrics.js";
import { meetingStatus, withCurrentSettings } from "../core/meeting-factory.js";
import { decodeBusBatch } from "./bus-codec.js";
import { BusPublisher } from "./bus-publisher.js";
import { BusSubscriber } from "./bus-subscriber.js";
import { redisEndpoint } from "./redis-endpoint.js";
import { redisKeys as K } from "./redis-keys.js";
import type { BusMessage, MeetingsPageResult, Member, SignalingStore, StoredMeeting } from "./store.js";

const parseMeeting = (raw: string): StoredMeeting => withCurrentSettings(JSON.parse(raw) as StoredMeeting);

export interface RedisStoreOptions {
  url: string;
  /** Presence lifetime; heartbeats every third of it. Members of an instance silent this long are dropped. */
  presenceTtlMs: number;
  logger: Logger;
  metrics: SignalingMetrics;
  /** Wall clock for presence expiry (shared across instances, so not a fake clock). */
  now?: () => number;
}

/** How often the liveness probe (`TIME`) goes out, and how long it may go unanswered before Redis counts as down. */
export const PROBE_EVERY_MS = 250;
export const HUNG_AFTER_MS = 1000;
/**
 * A bus publish must run in Redis within this long of being issued (Redis's clock, offset measured by the
 * probe), else it is dropped there; the caller gives up at `COMMAND_TIMEOUT_MS`, later, so a publish it answers
 * `unavailable` was never made (`BusPublisher`).
 */
export const PUBLISH_DEADLINE_MS = 1500;
export const COMMAND_TIMEOUT_MS = 2000;

/** How long a room's membership and chat outlive their last write. */
const ROOM_KEY_TTL_MS = 24 * 3600 * 1000;

const clientOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: 2000,
  // ioredis sends an auto-pipeline only once the previous one has finished: with Redis hung, a command would
  // wait out the previous batch's timeout before its own, so `#run` bounds each operation itself.
  enableAutoPipelining: true,
  retryStrategy: (times: number) => Math.min(100 * times, 1000),
} as const;

/**
 * Shared state in Redis: meetings (string keys expiring with the meeting), members (a hash per room),
 * chat (a capped list per room), presence (a sorted set of instance expiries, refreshed by heartbeats) and
 * the bus (pub/sub, one channel per instance: at-most-once, in order per publisher).
 */
export class RedisStore implements SignalingStore {
  readonly shared = true;
  readonly #o: RedisStoreOptions;
  readonly #cmd: Redis;
  #sub: BusSubscriber | undefined;
  readonly #listeners: ((up: boolean) => void)[] = [];
  readonly #now: () => number;
  #up = false;
  #instanceId = "";
  #heartbeat: NodeJS.Timeout | undefined;
  #probeTimer: NodeJS.Timeout | undefined;
  /** When the probe now waiting for its answer went out (undefined: none waiting). */
  #probeSentAt: number | undefined;
  /** Redis answers, but stopped answering for a while: down until the probe gets an answer again. */
  #hung = false;
  /** Redis's clock minus ours, ms, measured by the probe. */
  #clockOffset = 0;
  readonly #publisher: BusPublisher;

  constructor(opts: RedisStoreOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#cmd = new Redis(opts.url, { ...clientOptions, lazyConnect: true, connectionName: "signaling" });
    this.#cmd.on("error", (err: Error) => opts.logger.debug({ err: err.message }, "redis error"));
    // The bus goes over connections of our own: publishes as one buffer and one socket write per turn, the
    // subscription's batches read as bytes (`BusPublisher`, `BusSubscriber`).
    this.#publisher = new BusPublisher({
      endpoint: redisEndpoint(opts.url),
      logger: opts.logger,
      metrics: opts.metrics,
      channel: K.bus,
      guardKey: K.busGuard(randomUUID()),
      deadline: () => Date.now() + this.#clockOffset + PUBLISH_DEADLINE_MS,
      timeoutMs: COMMAND_TIMEOUT_MS,
    });
    this.#cmd.on("ready", () => void this.#onReady());
    this.#cmd.on("close", () => {
      this.#probeSentAt = undefined;
      this.#hung = false;
      this.#setUp(false);
    });
  }

  async start(instanceId: string, onMessage: (msg: BusMessage) => void): Promise<void> {
    this.#instanceId = instanceId;
    // The batch as bytes (`decodeBusBatch`): no string of it, its frames views into it.
    const onBatch = (raw: Buffer) => {
      let msgs: BusMessage[];
      try {
        msgs = decodeBusBatch(raw);
      } catch (err) {
        this.#o.logger.warn({ err }, "bad bus message");
        return;
      }
      for (const m of msgs) onMessage(m);
    };
    const sub = new BusSubscriber({
      endpoint: redisEndpoint(this.#o.url),
      logger: this.#o.logger,
      channel: K.bus(instanceId),
      onBatch,
    });
    this.#sub = sub;
    this.#publisher.start();
    await Promise.all([
      sub.start().then(() => sub.subscribed || this.#o.logger.warn("redis bus not reachable yet")),
      this.#cmd.connect().catch((err: unknown) => this.#o.logger.warn({ err }, "redis not reachable yet")),
    ]);
    this.#heartbeat = setInterval(
      () => void this.#beat(),
      Math.max(100, Math.floor(this.#o.presenceTtlMs / 3)),
    );
    this.#heartbeat.unref();
    this.#probeTimer = setInterval(() => this.#probe(), PROBE_EVERY_MS);
    this.#probeTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearInterval(this.#probeTimer);
    if (this.#up) await this.#cmd.zrem(K.instances, this.#instanceId).catch(() => undefined);
    this.#cmd.disconnect();
    this.#sub?.close();
    this.#publisher.close();
  }

  now(): number {
    return Date.now() + this.#clockOffset;
  }

  isUp(): boolean {
    return this.#up;
  }

  onStatusChange(listener: (up: boolean) => void): void {
    this.#listeners.push(listener);
  }

  createMeeting(m: StoredMeeting): Promise<boolean> {
    return this.#run("meeting", async (r) => {
      const ok = await r.set(K.meeting(m.roomId), JSON.stringify(m), "PXAT", m.expiresAt, "NX");
      if (ok && m.hostId !== undefined) {
        await r.zadd(K.hostMeetings(m.hostId), m.createdAt, m.roomId);
        await r.pexpireat(K.hostMeetings(m.hostId), m.expiresAt, "GT");
      }
      return ok === "OK";
    });
  }

  getMeeting(roomId: string): Promise<StoredMeeting | undefined> {
    return this.#run("meeting", async (r) => {
      const raw = await r.get(K.meeting(roomId));
      return raw === null ? undefined : parseMeeting(raw);
    });
  }

  putMeeting(m: StoredMeeting): Promise<void> {
    return this.#run("meeting", async (r) => {
      if (m.expiresAt <= this.#now()) return;
      await r.set(K.meeting(m.roomId), JSON.stringify(m), "PXAT", m.expiresAt);
    });
  }

  listMeetings(
    hostId: string,
    limit: number,
    cursor?: string,
    status?: MeetingStatus,
  ): Promise<MeetingsPageResult> {
    return this.#run("meetings", async (r) => {
      const start = cursor === undefined ? 0 : Number.parseInt(cursor, 10) || 0;
      if (status !== undefined) return this.#listWithStatus(r, { hostId, limit, start, status });
      const ids = await r.zrevrange(K.hostMeetings(hostId), start, start + limit);
      const page = ids.slice(0, limit);
      const raws = page.length > 0 ? await r.mget(...page.map(K.meeting)) : [];
      const items = raws.filter((x): x is string => x !== null).map(parseMeeting);
      const gone = page.filter((_id, i) => raws[i] === null);
      if (gone.length > 0) await r.zrem(K.hostMeetings(hostId), ...gone);
      const next = ids.length > limit ? String(start + limit - gone.length) : undefined;
      return next === undefined ? { items } : { items, nextCursor: next };
    });
  }

  /**
   * A page of the host's meetings in one status: the index is read newest first in chunks until `start`
   * matches are skipped and `limit` + 1 are found (the cursor counts matches, not index positions).
   */
  async #listWithStatus(
    r: Redis,
    o: { hostId: string; limit: number; start: number; status: MeetingStatus },
  ): Promise<MeetingsPageResult> {
    const CHUNK = 200;
    const items: StoredMeeting[] = [];
    let skipped = 0;
    for (let at = 0; ; at += CHUNK) {
      const ids = await r.zrevrange(K.hostMeetings(o.hostId), at, at + CHUNK - 1);
      if (ids.length === 0) break;
      const raws = await r.mget(...ids.map(K.meeting));
      for (const raw of raws) {
        if (raw === null) continue;
        const m = parseMeeting(raw);
        if (meetingStatus(m) !== o.status) continue;
        if (skipped < o.start) skipped += 1;
        else if (items.length <= o.limit) items.push(m);
      }
      if (items.length > o.limit || ids.length < CHUNK) break;
    }
    const page = items.slice(0, o.limit);
    return items.length > o.limit ? { items: page, nextCursor: String(o.start + o.limit) } : { items: page };
  }

  addMember(m: Member): Promise<void> {
    return this.#run("member", async (r) => {
      await r
        .multi()
        .hset(K.members(m.roomId), m.peerId, JSON.stringify(m))
        .pexpire(K.members(m.roomId), ROOM_KEY_TTL_MS)
        .exec();
    });
  }

  removeMember(roomId: string, peerId: string): Promise<void> {
    return this.#run("member", async (r) => {
      await r.hdel(K.members(roomId), peerId);
    });
  }

  listMembers(roomId: string): Promise<Member[]> {
    return this.#run("members", async (r) => {
      const [raw, present] = await Promise.all([r.hvals(K.members(roomId)), this.#present(r)]);
      const members = raw.map((x) => JSON.parse(x) as Member);
      const alive = await this.#connected(
        r,
        members.map((m) => m.instanceId).filter((id) => present.has(id)),
      );
      return members.filter((m) => alive.has(m.instanceId));
    });
  }

  deadInstances(instanceIds: readonly string[]): Promise<Set<string>> {
    return this.#run("members", async (r) => {
      const present = await this.#present(r);
      const alive = await this.#connected(
        r,
        instanceIds.filter((id) => present.has(id)),
      );
      return new Set(instanceIds.filter((id) => !alive.has(id)));
    });
  }

  appendChat(entry: Omit<ChatEntry, "seq">, max: number): Promise<ChatEntry> {
    return this.#run("chat", async (r) => {
      const seq = await r.incr(K.chatSeq(entry.roomId));
      const stamped: ChatEntry = { ...entry, seq };
      const tx = r.multi().pexpire(K.chatSeq(entry.roomId), ROOM_KEY_TTL_MS);
      if (max > 0) {
        tx.rpush(K.chat(entry.roomId), JSON.stringify(stamped)).ltrim(K.chat(entry.roomId), -max, -1);
        tx.pexpire(K.chat(entry.roomId), ROOM_KEY_TTL_MS);
      }
      await tx.exec();
      return stamped;
    });
  }

  chatHistory(roomId: string): Promise<ChatEntry[]> {
    return this.#run("chat", async (r) =>
      (await r.lrange(K.chat(roomId), 0, -1)).map((x) => JSON.parse(x) as ChatEntry),
    );
  }

  chatCount(roomId: string): Promise<number> {
    return this.#run("chat", async (r) => Number((await r.get(K.chatSeq(roomId))) ?? 0));
  }

  purgeExpired(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Queues a bus message; the messages for one instance queued in the same event-loop turn go out as one
   * PUBLISH (in order, `BusPublisher`), and every caller learns the outcome: the number of subscribers that
   * got it (0: the instance is not connected to Redis), or `StoreUnavailableError` — then nothing was published
   * and nothing will be (the publish carries a deadline that Redis checks before publishing).
   */
  publish(instanceId: string, msg: BusMessage): Promise<number> {
    if (!this.#up) {
      this.#o.metrics.redisRoundTrips.inc({ op: "publish", result: "unavailable" });
      return Promise.reject(new StoreUnavailableError());
    }
    return this.#publisher.publish(instanceId, msg);
  }

  /** Instances whose presence has not expired. */
  async #present(r: Redis): Promise<Set<string>> {
    return new Set(await r.zrangebyscore(K.instances, this.#now(), "+inf"));
  }

  /**
   * Of these instances, the ones whose bus subscription is open (Redis drops it the moment a process dies):
   * this instance always, the others by `PUBSUB NUMSUB`.
   */
  async #connected(r: Redis, ids: readonly string[]): Promise<Set<string>> {
    const others = [...new Set(ids)].filter((id) => id !== this.#instanceId);
    const alive = new Set([this.#instanceId]);
    if (others.length === 0) return alive;
    const counts = (await r.pubsub("NUMSUB", ...others.map(K.bus))) as (string | number)[];
    others.forEach((id, i) => {
      if (Number(counts[2 * i + 1]) > 0) alive.add(id);
    });
    return alive;
  }

  /**
   * Liveness and clock offset: one `TIME` at a time. Unanswered for `HUNG_AFTER_MS`, Redis counts as down (a
   * hung server keeps its connections open); the first answer after that brings it back.
   */
  #probe(): void {
    if (this.#cmd.status !== "ready") return;
    const sent = Date.now();
    if (this.#probeSentAt !== undefined) {
      if (sent - this.#probeSentAt > HUNG_AFTER_MS) this.#markHung(sent - this.#probeSentAt);
      return;
    }
    this.#probeSentAt = sent;
    this.#cmd.time().then(
      ([s, us]) => {
        if (this.#probeSentAt !== sent) return;
        const back = Date.now();
        this.#probeSentAt = undefined;
        this.#clockOffset = Number(s) * 1000 + Number(us) / 1000 - (sent + back) / 2;
        if (this.#hung) {
          this.#hung = false;
          void this.#onReady();
        }
      },
      () => {
        // Timed out (or the connection closed): the next probe goes out; only an answer ends the hung state.
        if (this.#probeSentAt !== sent) return;
        this.#probeSentAt = undefined;
        if (this.#cmd.status === "ready") this.#markHung(Date.now() - sent);
      },
    );
  }

  #markHung(waitedMs: number): void {
    if (this.#hung) return;
    this.#hung = true;
    this.#o.logger.warn({ waitedMs }, "redis not answering");
    this.#setUp(false);
  }

  /** Refreshes this instance's presence and forgets long-expired instances. */
  async #beat(): Promise<void> {
    if (!this.#up || !this.#instanceId) return;
    await this.#run("presence", async (r) => {
      const now = this.#now();
      await r.zadd(K.instances, now + this.#o.presenceTtlMs, this.#instanceId);
      await r.zremrangebyscore(K.instances, "-inf", now - 10 * this.#o.presenceTtlMs);
    }).catch(() => undefined);
  }

  async #onReady(): Promise<void> {
    this.#up = true;
    await this.#beat();
    this.#setUp(true, true);
  }

  #setUp(up: boolean, force = false): void {
    if (this.#up === up && !force) return;
    this.#up = up;
    if (!up) this.#o.logger.warn("redis connection lost");
    else this.#o.logger.info("redis connected");
    for (const l of this.#listeners) l(up);
  }

  /** Runs Redis commands with metrics; any failure becomes `StoreUnavailableError`. */
  async #run<T>(op: string, fn: (r: Redis) => Promise<T>): Promise<T> {
    const { metrics } = this.#o;
    if (!this.#up || this.#cmd.status !== "ready") {
      metrics.redisRoundTrips.inc({ op, result: "unavailable" });
      throw new StoreUnavailableError();
    }
    const end = metrics.redisLatency.startTimer({ op });
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = fn(this.#cmd);
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new StoreUnavailableError("Redis did not answer in time")),
          COMMAND_TIMEOUT_MS,
        );
      });
      // Whatever the operation does after its time is up must not surface as an unhandled rejection.
      work.catch(() => undefined);
      const out = await Promise.race([work, late]);
      metrics.redisRoundTrips.inc({ op, result: "ok" });
      return out;
    } catch (err) {
      metrics.redisRoundTrips.inc({ op, result: "error" });
      this.#o.logger.debug({ err, op }, "redis command failed");
      throw new StoreUnavailableError();
    } finally {
      clearTimeout(timer);
      end();
    }
  }
}
