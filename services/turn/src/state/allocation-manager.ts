/**
 * Allocations keyed by 5-tuple: creation within quotas (per user, in total) and the port range, lifetimes on
 * the injected clock, deletion that closes relay sockets and frees ports. Relay sockets come from an injected
 * factory; data arriving on them goes to `onPeerData`.
 */
import type { Clock } from "@switchboard/runtime";
import { StunErrorReply } from "../errors.js";
import type { Allocation, Relay } from "./allocation.js";
import { Channels } from "./channels.js";
import type { FairShareLimiter } from "./fair-share.js";
import { Permissions } from "./permissions.js";
import type { PortPool } from "./port-pool.js";
import type { RelaySocketFactory } from "./relay-socket.js";
import type { AddressFamily, ClientLink, TransportAddress } from "./types.js";

export interface RelayEndpoint {
  readonly family: AddressFamily;
  readonly bind: string;
  readonly advertised: string;
}

export interface AllocationManagerOptions {
  readonly clock: Clock;
  readonly relayFactory: RelaySocketFactory;
  readonly relayEndpoints: readonly RelayEndpoint[];
  readonly ports: PortPool;
  readonly maxAllocations: number;
  readonly userQuota: number;
  /** Relay bandwidth: each allocation gets a flow keyed by its quota key (the user). */
  readonly bandwidth: FairShareLimiter;
  readonly maxPermissions: number;
  readonly maxChannels: number;
  readonly onPeerData: (allocation: Allocation, data: Buffer, from: TransportAddress) => void;
  readonly onDeleted?: (
    allocation: Allocation,
    reason: "expired" | "refresh" | "closed" | "shutdown",
  ) => void;
}

export interface AllocateRequest {
  readonly client: ClientLink;
  readonly username: string;
  readonly quotaKey: string;
  /** Overrides `userQuota` for this key (REST usernames without a user part share a small one). */
  readonly quotaLimit?: number;
  readonly integrityKey: Uint8Array;
  readonly transactionId: string;
  /** Relay families wanted: the first is required, a second (dual allocation) is best effort. */
  readonly families: readonly AddressFamily[];
  readonly lifetimeSeconds: number;
  readonly evenPort?: { readonly reserveNext: boolean };
  readonly reservationToken?: Uint8Array;
}

export interface AllocateResult {
  readonly allocation: Allocation;
  readonly reservationToken?: Uint8Array;
  /** Families of a dual allocation that could not be served, with the STUN error for ADDRESS-ERROR-CODE. */
  readonly failedFamilies: ReadonlyArray<{ family: AddressFamily; error: StunErrorReply }>;
}

const MAX_BIND_ATTEMPTS = 64;

export class AllocationManager {
  readonly #byKey = new Map<string, Allocation>();
  readonly #pending = new Set<string>();
  readonly #perUser = new Map<string, number>();
  readonly #opts: AllocationManagerOptions;

  constructor(opts: AllocationManagerOptions) {
    this.#opts = opts;
  }

  get(key: string): Allocation | undefined {
    return this.#byKey.get(key);
  }

  /** Whether an Allocate for this 5-tuple is still binding its sockets (retransmissions are then dropped). */
  isPending(key: string): boolean {
    return this.#pending.has(key);
  }

  get size(): number {
    return this.#byKey.size;
  }

  values(): IterableIterator<Allocation> {
    return this.#byKey.values();
  }

  supportsFamily(family: AddressFamily): boolean {
    return this.#opts.relayEndpoints.some((e) => e.family === family);
  }

  async create(req: AllocateRequest): Promise<AllocateResult> {
    const o = this.#opts;
    const key = req.client.key;
    if (this.#byKey.has(key) || this.#pending.has(key)) throw new StunErrorReply("ALLOCATION_MISMATCH");
    if ((this.#perUser.get(req.quotaKey) ?? 0) >= (req.quotaLimit ?? o.userQuota)) {
      throw new StunErrorReply("ALLOCATION_QUOTA_REACHED", "allocations per user");
    }
    if (this.#byKey.size + this.#pending.size >= o.maxAllocations) {
      throw new StunErrorReply("INSUFFICIENT_CAPACITY", "allocations in total");
    }
    const [first, ...rest] = req.families;
    if (first === undefined || !this.supportsFamily(first))
      throw new StunErrorReply("ADDRESS_FAMILY_NOT_SUPPORTED");
    this.#pending.add(key);
    this.#perUser.set(req.quotaKey, (this.#perUser.get(req.quotaKey) ?? 0) + 1);
    const relays = new Map<AddressFamily, Relay>();
    const failedFamilies: Array<{ family: AddressFamily; error: StunErrorReply }> = [];
    let reservationToken: Uint8Array | undefined;
    const created: { allocation?: Allocation } = {};
    const onData = (data: Buffer, from: TransportAddress): void => {
      if (created.allocation !== undefined) o.onPeerData(created.allocation, data, from);
    };
    try {
      const main = await this.#bindFirst(first, req, onData);
      relays.set(first, main.relay);
      reservationToken = main.reservationToken;
      for (const family of rest) {
        if (!this.supportsFamily(family)) {
          failedFamilies.push({ family, error: new StunErrorReply("ADDRESS_FAMILY_NOT_SUPPORTED") });
          continue;
        }
        try {
          relays.set(family, await this.#bind(family, o.ports.candidates(), onData));
        } catch (err) {
          failedFamilies.push({ family, error: toReply(err) });
        }
      }
    } catch (err) {
      for (const r of relays.values()) this.#closeRelay(r);
      this.#pending.delete(key);
      this.#decUser(req.quotaKey);
      throw toReply(err);
    }
    this.#pending.delete(key);
    const now = o.clock.now();
    const allocation: Allocation = {
      key,
      client: req.client,
      username: req.username,
      quotaKey: req.quotaKey,
      integrityKey: req.integrityKey,
      relays,
      permissions: new Permissions(o.clock, o.maxPermissions),
      channels: new Channels(o.clock, o.maxChannels),
      bandwidth: o.bandwidth.open(req.quotaKey),
      expiresAt: now + req.lifetimeSeconds * 1000,
      allocateTransactionId: req.transactionId,
      allocateResponse: undefined,
    };
    created.allocation = allocation;
    this.#byKey.set(key, allocation);
    return reservationToken === undefined
      ? { allocation, failedFamilies }
      : { allocation, reservationToken, failedFamilies };
  }

  async #bindFirst(
    family: AddressFamily,
    req: AllocateRequest,
    onData: (data: Buffer, from: TransportAddress) => void,
  ): Promise<{ relay: Relay; reservationToken?: Uint8Array }> {
    const ports = this.#opts.ports;
    if (req.reservationToken !== undefined) {
      const port = ports.redeem(req.reservationToken);
      if (port === undefined) throw new StunErrorReply("INSUFFICIENT_CAPACITY", "unknown reservation token");
      ports.release(port);
      return { relay: await this.#bind(family, [port], onData) };
    }
    if (req.evenPort === undefined) return { relay: await this.#bind(family, ports.candidates(), onData) };
    const reserve = req.evenPort.reserveNext;
    const relay = await this.#bind(family, ports.candidates({ even: true, pairFree: reserve }), onData);
    return reserve ? { relay, reservationToken: ports.reserve(relay.socket.port + 1) } : { relay };
  }

  async #bind(
    family: AddressFamily,
    candidates: Iterable<number>,
    onData: (data: Buffer, from: TransportAddress) => void,
  ): Promise<Relay> {
    const endpoint = this.#opts.relayEndpoints.find((e) => e.family === family);
    if (endpoint === undefined) throw new StunErrorReply("ADDRESS_FAMILY_NOT_SUPPORTED");
    let attempts = 0;
    for (const port of candidates) {
      if (++attempts > MAX_BIND_ATTEMPTS) break;
      this.#opts.ports.take(port);
      try {
        const socket = await this.#opts.relayFactory({ family, bindAddress: endpoint.bind, port, onData });
        return { socket, advertised: { address: endpoint.advertised, port: socket.port, family } };
      } catch (err) {
        this.#opts.ports.release(port);
        if (
          (err as { code?: unknown }).code !== "EADDRINUSE" &&
          (err as { code?: unknown }).code !== "EACCES"
        ) {
          throw err;
        }
      }
    }
    throw new StunErrorReply("INSUFFICIENT_CAPACITY", "no relay port free");
  }

  /** Sets a new lifetime (seconds from now); 0 deletes the allocation. */
  refresh(allocation: Allocation, lifetimeSeconds: number): void {
    if (lifetimeSeconds === 0) this.delete(allocation, "refresh");
    else allocation.expiresAt = this.#opts.clock.now() + lifetimeSeconds * 1000;
  }

  delete(allocation: Allocation, reason: "expired" | "refresh" | "closed" | "shutdown"): void {
    if (this.#byKey.get(allocation.key) !== allocation) return;
    this.#byKey.delete(allocation.key);
    this.#decUser(allocation.quotaKey);
    if (allocation.bandwidth !== undefined) this.#opts.bandwidth.close(allocation.bandwidth);
    for (const relay of allocation.relays.values()) this.#closeRelay(relay);
    this.#opts.onDeleted?.(allocation, reason);
  }

  /** Expires allocations and sweeps their permissions and channel bindings; run about once a second. */
  sweep(): void {
    const now = this.#opts.clock.now();
    for (const a of this.#byKey.values()) {
      if (a.expiresAt <= now) this.delete(a, "expired");
      else {
        a.permissions.sweep();
        a.channels.sweep();
      }
    }
    this.#opts.ports.sweep();
  }

  closeAll(): void {
    for (const a of [...this.#byKey.values()]) this.delete(a, "shutdown");
  }

  #closeRelay(relay: Relay): void {
    relay.socket.close();
    this.#opts.ports.release(relay.socket.port);
  }

  #decUser(quotaKey: string): void {
    const n = (this.#perUser.get(quotaKey) ?? 1) - 1;
    if (n <= 0) this.#perUser.delete(quotaKey);
    else this.#perUser.set(quotaKey, n);
  }
}

function toReply(err: unknown): StunErrorReply {
  return err instanceof StunErrorReply
    ? err
    : new StunErrorReply("INSUFFICIENT_CAPACITY", (err as Error).message);
}
