/**
 * Relay bandwidth: one total capacity shared max-min fairly among the users that are relaying, plus optional
 * fixed caps per user and per allocation. Pure state on an injected clock; the data plane asks `admit()` for
 * every relayed datagram (both directions) and drops what is refused.
 *
 * How the fair share works (O(1) per datagram, one recount every RECOUNT_MS):
 * - A global token bucket refills at the total capacity. Every active user gets an equal share of it, split
 *   equally among that user's active allocations; each allocation has a share bucket refilled at its share.
 * - A datagram within its allocation's share ("in profile") may take the global bucket down to zero. A datagram
 *   beyond its share may only take tokens above a reserve (half the global burst): spare capacity that nobody
 *   within their share is using goes to whoever wants more (work-conserving), but in-profile traffic always
 *   finds the reserve. Two greedy users each end up with half; a light user keeps all it asks for and the
 *   greedy one gets the rest (max-min fairness).
 * - Users, not allocations, are the unit: twenty allocations of one user get one user's share between them.
 *   A user or allocation is active while it offered traffic (admitted or not) within the last ACTIVE_MS.
 */
import type { Clock } from "@switchboard/runtime";

/** Why a datagram was refused: the fixed per-user cap, the fixed per-allocation cap, or the shared capacity. */
export type RefusalReason = "user" | "allocation" | "capacity";

export interface FairShareOptions {
  readonly clock: Clock;
  /** Total relayed bytes/s shared fairly among active users; 0 = no total (and no fair sharing). */
  readonly totalBytesPerSecond: number;
  /** Fixed cap per user (all of a user's allocations together), bytes/s; 0 = none. */
  readonly userBytesPerSecond: number;
  /** Bytes a user may send at once before its cap applies (bucket depth); 0 = one second of the cap. */
  readonly userBurstBytes: number;
  /** Fixed cap per allocation, bytes/s (one second of burst); 0 = none. */
  readonly allocationBytesPerSecond: number;
}

/** How often the active users and allocations are recounted and the shares recomputed. */
export const RECOUNT_MS = 100;
/** A user or allocation counts as active for this long after it last offered traffic. */
export const ACTIVE_MS = 500;
/** Global bucket depth: this much of the total capacity, at least MIN_BURST_BYTES. */
export const GLOBAL_BURST_SECONDS = 0.1;
/** Share bucket depth: this much of the allocation's share, at least MIN_BURST_BYTES. */
export const SHARE_BURST_SECONDS = 0.05;
/** The smallest depth of the global and share buckets: the largest datagram always fits when they are full. */
export const MIN_BURST_BYTES = 65_536;

/** A token bucket refilled lazily at a rate that may change (the share is recomputed). */
class Bucket {
  tokens: number;
  depth: number;
  rate: number;
  #last: number;
  constructor(rate: number, depth: number, now: number) {
    this.rate = rate;
    this.depth = depth;
    this.tokens = depth;
    this.#last = now;
  }
  refill(now: number): void {
    const elapsed = now - this.#last;
    this.#last = now; // a clock stepping back refills nothing and restarts from its new time
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.depth, this.tokens + (elapsed / 1000) * this.rate);
  }
}

interface UserState {
  readonly key: string;
  readonly flows: Set<RelayFlow>;
  /** Undefined without a fixed per-user cap. */
  readonly cap: Bucket | undefined;
  lastOffered: number;
}

/** One allocation's handle on the limiter: ask `admit(bytes)` for every datagram it relays. */
export class RelayFlow {
  readonly #limiter: FairShareLimiter;
  /** @internal */ readonly user: UserState;
  /** @internal */ readonly share: Bucket | undefined;
  /** @internal */ readonly cap: Bucket | undefined;
  /** @internal */ lastOffered: number;
  /** @internal */ closed = false;

  /** @internal */
  constructor(
    limiter: FairShareLimiter,
    user: UserState,
    share: Bucket | undefined,
    cap: Bucket | undefined,
  ) {
    this.#limiter = limiter;
    this.user = user;
    this.share = share;
    this.cap = cap;
    this.lastOffered = Number.NEGATIVE_INFINITY;
  }

  /** Spends `bytes` if every budget allows it; otherwise says which budget refused (nothing is spent). */
  admit(bytes: number): RefusalReason | undefined {
    return this.#limiter.admit(this, bytes);
  }

  /** Bytes/s this allocation is entitled to under contention (0 without a total capacity). */
  get fairShare(): number {
    return this.share?.rate ?? 0;
  }
}

export class FairShareLimiter {
  readonly #o: FairShareOptions;
  readonly #users = new Map<string, UserState>();
  readonly #global: Bucket | undefined;
  readonly #reserve: number;
  #lastRecount: number;
  #activeUsers = 0;

  constructor(opts: FairShareOptions) {
    for (const [name, v] of Object.entries(opts)) {
      if (typeof v === "number" && !(Number.isFinite(v) && v >= 0))
        throw new RangeError(`${name}: expected a finite number ≥ 0, got ${v}`);
    }
    this.#o = opts;
    const now = opts.clock.now();
    this.#lastRecount = now;
    const total = opts.totalBytesPerSecond;
    this.#global =
      total > 0 ? new Bucket(total, Math.max(MIN_BURST_BYTES, total * GLOBAL_BURST_SECONDS), now) : undefined;
    this.#reserve = this.#global === undefined ? 0 : this.#global.depth / 2;
  }

  /** Whether any budget is configured; without one, `open()` returns undefined and nothing is metered. */
  get limited(): boolean {
    const o = this.#o;
    return o.totalBytesPerSecond > 0 || o.userBytesPerSecond > 0 || o.allocationBytesPerSecond > 0;
  }

  /** Users that offered traffic within ACTIVE_MS at the last recount. */
  get activeUsers(): number {
    return this.#activeUsers;
  }

  /** Users known (with at least one open flow): bounded by the allocations. */
  get users(): number {
    return this.#users.size;
  }

  /** A flow for a new allocation of `userKey` (the allocation quota key), or undefined when nothing is limited. */
  open(userKey: string): RelayFlow | undefined {
    if (!this.limited) return undefined;
    const o = this.#o;
    const now = o.clock.now();
    let user = this.#users.get(userKey);
    if (user === undefined) {
      user = {
        key: userKey,
        flows: new Set(),
        cap:
          o.userBytesPerSecond > 0
            ? new Bucket(o.userBytesPerSecond, o.userBurstBytes || o.userBytesPerSecond, now)
            : undefined,
        lastOffered: Number.NEGATIVE_INFINITY,
      };
      this.#users.set(userKey, user);
    }
    // Until the next recount, a new flow starts with the share it would get as one more active user.
    const share =
      this.#global === undefined
        ? undefined
        : shareBucket(this.#o.totalBytesPerSecond / (this.#activeUsers + 1), now);
    const cap =
      o.allocationBytesPerSecond > 0
        ? new Bucket(o.allocationBytesPerSecond, o.allocationBytesPerSecond, now)
        : undefined;
    const flow = new RelayFlow(this, user, share, cap);
    user.flows.add(flow);
    return flow;
  }

  /** Forgets a flow (allocation deleted); its user goes with its last flow. Closing twice is harmless. */
  close(flow: RelayFlow): void {
    if (flow.closed) return;
    flow.closed = true;
    flow.user.flows.delete(flow);
    if (flow.user.flows.size === 0 && this.#users.get(flow.user.key) === flow.user)
      this.#users.delete(flow.user.key);
  }

  /** @internal — called through `RelayFlow.admit`. */
  admit(flow: RelayFlow, bytes: number): RefusalReason | undefined {
    const now = this.#o.clock.now();
    if (now - this.#lastRecount >= RECOUNT_MS || now < this.#lastRecount) this.#recount(now);
    const user = flow.user;
    flow.lastOffered = now;
    user.lastOffered = now;
    const { cap, share } = flow;
    if (cap !== undefined) {
      cap.refill(now);
      if (cap.tokens < bytes) return "allocation";
    }
    const userCap = user.cap;
    if (userCap !== undefined) {
      userCap.refill(now);
      if (userCap.tokens < bytes) return "user";
    }
    const global = this.#global;
    if (global !== undefined && share !== undefined) {
      global.refill(now);
      share.refill(now);
      const inProfile = share.tokens >= bytes;
      if (global.tokens - bytes < (inProfile ? 0 : this.#reserve)) return "capacity";
      global.tokens -= bytes;
      share.tokens = Math.max(0, share.tokens - bytes);
    }
    if (cap !== undefined) cap.tokens -= bytes;
    if (userCap !== undefined) userCap.tokens -= bytes;
    return undefined;
  }

  /** Recounts active users and allocations and gives every active allocation its new share. */
  #recount(now: number): void {
    this.#lastRecount = now;
    const since = now - ACTIVE_MS;
    let activeUsers = 0;
    for (const user of this.#users.values()) if (user.lastOffered > since) activeUsers++;
    this.#activeUsers = activeUsers;
    if (this.#global === undefined) return;
    const perUser = this.#o.totalBytesPerSecond / Math.max(1, activeUsers);
    for (const user of this.#users.values()) {
      let activeFlows = 0;
      for (const flow of user.flows) if (flow.lastOffered > since) activeFlows++;
      // An idle allocation keeps the share it would get on waking, so its first datagrams are in profile.
      const active = user.lastOffered > since;
      const rate = active ? perUser / Math.max(1, activeFlows) : perUser;
      for (const flow of user.flows) {
        const share = flow.share;
        if (share === undefined) continue;
        share.refill(now);
        share.rate = flow.lastOffered > since || !active ? rate : perUser / (activeFlows + 1);
        share.depth = shareDepth(share.rate);
        share.tokens = Math.min(share.tokens, share.depth);
      }
    }
  }
}

const shareDepth = (rate: number): number => Math.max(MIN_BURST_BYTES, rate * SHARE_BURST_SECONDS);

function shareBucket(rate: number, now: number): Bucket {
  return new Bucket(rate, shareDepth(rate), now);
}
