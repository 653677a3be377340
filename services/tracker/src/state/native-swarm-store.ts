/**
 * The memory store in C (native/swarm-store.c, the same swarm rules as `MemorySwarmStore`) behind the
 * `SwarmStore` interface. One call per announce: the update goes into the addon's request block, counts and peer
 * lists come back in its reply block and are copied out (or written straight into the caller's `into` buffer).
 */
import { randomInt } from "node:crypto";
import type { Clock } from "@switchboard/runtime";
import type { SwarmCounts } from "@switchboard/protocol";
import {
  REQ_COMPLETED,
  REQ_HAS_KEY,
  REQ_REMOVE,
  REQ_SEEDER,
  REQ_WITH_IDS,
  REQ_WS,
  SS_KEY_MISMATCH,
  SS_OK,
  type NativeLayout,
  type NativeStoreHandle,
  type TrackerNativeBinding,
} from "./native-binding.js";
import {
  EMPTY_PEERS,
  type PeerSelection,
  type PeerUpdate,
  type StoreAnnounceOutcome,
  type StoreTotals,
  type SwarmStore,
} from "./swarm-store.js";

export interface NativeSwarmStoreOptions {
  clock: Clock;
  /** Seconds a peer stays listed without announcing again. */
  peerTtlSeconds: number;
  /** The loaded addon (see `loadTrackerNative`). */
  binding: TrackerNativeBinding;
}

const ZERO: SwarmCounts = Object.freeze({ complete: 0, incomplete: 0, downloaded: 0 });
const EMPTY = new Uint8Array(0);
const KEY_MISMATCH: StoreAnnounceOutcome = Object.freeze({ ok: false, failure: "KEY_MISMATCH" });
const PEER_ID_CROWDED: StoreAnnounceOutcome = Object.freeze({ ok: false, failure: "PEER_ID_CROWDED" });
const FAMILY = { v4: 4, v6: 6, both: 0 } as const;

function checkLength(name: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw new RangeError(`${name} must be ${length} bytes, not ${bytes.length}`);
}

export class NativeSwarmStore implements SwarmStore {
  readonly #clock: Clock;
  readonly #epoch: number;
  readonly #handle: NativeStoreHandle;
  readonly #layout: NativeLayout;
  readonly #request: Uint8Array;
  readonly #requestWords: DataView;
  readonly #reply: ArrayBuffer;
  readonly #replyWords: Uint32Array;
  readonly #replyTotals: Float64Array;
  #closed = false;

  constructor(opts: NativeSwarmStoreOptions) {
    this.#clock = opts.clock;
    this.#epoch = opts.clock.now();
    this.#handle = new opts.binding.SwarmStore(opts.peerTtlSeconds, randomInt(0x7fffffff), this.#epoch);
    this.#layout = opts.binding.layout;
    this.#request = new Uint8Array(this.#handle.request);
    this.#requestWords = new DataView(this.#handle.request);
    this.#reply = this.#handle.reply;
    this.#replyWords = new Uint32Array(this.#handle.reply, 0, 8);
    this.#replyTotals = new Float64Array(this.#handle.reply, 0, 4);
  }

  /** The addon's store handle, for C code of the same addon (`sb_store_from_value` in native/binding.h). */
  get nativeHandle(): NativeStoreHandle {
    return this.#handle;
  }

  #nowSeconds(): number {
    return Math.max(0, Math.floor((this.#clock.now() - this.#epoch) / 1000));
  }

  announce(update: PeerUpdate, select: PeerSelection): StoreAnnounceOutcome {
    checkLength("infoHash", update.infoHash, 20);
    checkLength("peerId", update.peerId, 20);
    checkLength("ip", update.ip, 16);
    const q = this.#request;
    const w = this.#requestWords;
    q.set(update.infoHash, 0);
    q.set(update.peerId, 20);
    q.set(update.ip, 40);
    w.setUint32(56, update.port, true);
    w.setUint32(60, (update.key ?? 0) >>> 0, true);
    w.setUint32(64, Math.max(0, Math.min(select.numwant, this.#layout.maxPeers)), true);
    w.setUint32(68, this.#nowSeconds(), true);
    const ws = update.kind === "ws";
    q[72] =
      (update.key === undefined ? 0 : REQ_HAS_KEY) |
      (update.seeder ? REQ_SEEDER : 0) |
      (ws ? REQ_WS : 0) |
      (update.remove ? REQ_REMOVE : 0) |
      (update.completed ? REQ_COMPLETED : 0) |
      (select.withIds ? REQ_WITH_IDS : 0);
    q[73] = FAMILY[select.family];
    const into = select.into;
    let status: number;
    if (into === undefined || select.withIds) {
      status = this.#handle.announce();
    } else {
      w.setUint32(76, Math.max(0, Math.min(into.at, 0xffffffff)), true);
      w.setUint32(80, Math.max(0, Math.min(into.end, 0xffffffff)), true);
      status = this.#handle.announce(into.bytes);
    }
    if (status !== SS_OK) return status === SS_KEY_MISMATCH ? KEY_MISMATCH : PEER_ID_CROWDED;
    const r = this.#replyWords;
    const counts: SwarmCounts = { complete: r[1] ?? 0, incomplete: r[2] ?? 0, downloaded: r[3] ?? 0 };
    const got4 = r[4] ?? 0;
    const got6 = r[5] ?? 0;
    const gotWs = r[6] ?? 0;
    if (into !== undefined && (r[7] ?? 0) !== 0xffffffff) {
      into.written = r[7] ?? 0;
      return { ok: true, counts, peers: EMPTY_PEERS };
    }
    const layout = this.#layout;
    if (ws) {
      if (gotWs === 0) return { ok: true, counts, peers: EMPTY_PEERS };
      return { ok: true, counts, peers: { ...EMPTY_PEERS, wsPeerIds: this.#copy(layout.wsIds, gotWs * 20) } };
    }
    if (got4 + got6 === 0) return { ok: true, counts, peers: EMPTY_PEERS };
    return {
      ok: true,
      counts,
      peers: {
        compact4: got4 > 0 ? this.#copy(layout.compact4, got4 * 6) : EMPTY,
        compact6: got6 > 0 ? this.#copy(layout.compact6, got6 * 18) : EMPTY,
        ids4: select.withIds ? this.#copy(layout.ids4, got4 * 20) : undefined,
        ids6: select.withIds ? this.#copy(layout.ids6, got6 * 20) : undefined,
        wsPeerIds: EMPTY,
      },
    };
  }

  /**
   * A Buffer of its own with `length` bytes of the reply block from `offset`: from Buffer's pool, filled through a
   * view (`Buffer.copyBytesFrom` makes an ArrayBuffer of its own each time: ≈ 5× the cost for a 300-byte list).
   */
  #copy(offset: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    out.set(new Uint8Array(this.#reply, offset, length));
    return out;
  }

  scrape(infoHashes: readonly Uint8Array[]): readonly SwarmCounts[] {
    const r = this.#replyWords;
    return infoHashes.map((h) => {
      if (h.length !== 20) return ZERO;
      this.#handle.scrape(h);
      return { complete: r[1] ?? 0, incomplete: r[2] ?? 0, downloaded: r[3] ?? 0 };
    });
  }

  scrapeAll(limit: number): ReadonlyArray<{ infoHash: Uint8Array; counts: SwarmCounts }> {
    const records = this.#handle.scrapeAll(Math.max(0, Math.min(Math.floor(limit), 0xffffffff)));
    const words = new Uint32Array(records);
    const out: Array<{ infoHash: Uint8Array; counts: SwarmCounts }> = [];
    for (let i = 0; i < records.byteLength / 32; i++)
      out.push({
        infoHash: Buffer.from(records, i * 32, 20),
        counts: {
          complete: words[i * 8 + 5] ?? 0,
          incomplete: words[i * 8 + 6] ?? 0,
          downloaded: words[i * 8 + 7] ?? 0,
        },
      });
    return out;
  }

  totals(): StoreTotals {
    if (this.#closed) return { torrents: 0, seeders: 0, leechers: 0, peerBytes: 0 };
    this.#handle.totals();
    const t = this.#replyTotals;
    return { torrents: t[0] ?? 0, seeders: t[1] ?? 0, leechers: t[2] ?? 0, peerBytes: t[3] ?? 0 };
  }

  sweep(): number {
    if (this.#closed) return 0;
    return this.#handle.sweep(this.#nowSeconds());
  }

  /** Empties the store (its memory goes back); announces and scrapes throw afterwards, totals are zeros. */
  close(): Promise<void> {
    this.#closed = true;
    this.#handle.close();
    return Promise.resolve();
  }
}
