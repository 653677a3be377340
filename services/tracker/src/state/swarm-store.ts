import type { SelectedPeers, SwarmCounts } from "@switchboard/protocol";

/** Which swarm members a peer can reach: TCP/uTP peers (HTTP, UDP) or WebRTC peers (WebSocket). */
export type PeerKind = "ip" | "ws";

/** One peer's announce as storage sees it. */
export interface PeerUpdate {
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  /** 16 bytes, IPv4 as IPv4-mapped. */
  readonly ip: Uint8Array;
  readonly port: number;
  readonly seeder: boolean;
  readonly key: number | undefined;
  readonly kind: PeerKind;
  /** Removes the peer ("stopped"). */
  readonly remove: boolean;
  /** Counts a download ("completed"). */
  readonly completed: boolean;
}

/** Which peers to hand back. */
export interface PeerSelection {
  readonly numwant: number;
  /** IPv4 peers, IPv6 peers or both. */
  readonly family: "v4" | "v6" | "both";
  /** Include the 20-byte peer ids (non-compact HTTP replies). */
  readonly withIds: boolean;
  /**
   * Where a store that answers synchronously may write the compact peers of a one-family selection (`family`
   * "v4" or "v6", no ids). Lets a datagram transport build its reply in place, in the datagram that goes out.
   */
  readonly into?: PeerListTarget;
}

/**
 * A caller's buffer for an in-place peer list (reused from announce to announce). The store writes the list at
 * `bytes[at…]` when it fits below `end` and sets `written` to its length in bytes, its outcome's `peers` then
 * being empty; otherwise it leaves the bytes alone and `written` at -1, and the list is in `peers` as usual.
 */
export interface PeerListTarget {
  bytes: Uint8Array;
  at: number;
  end: number;
  written: number;
}

export type StoreAnnounceOutcome =
  | { readonly ok: true; readonly counts: SwarmCounts; readonly peers: SelectedPeers }
  | { readonly ok: false; readonly failure: "KEY_MISMATCH" | "PEER_ID_CROWDED" };

/** Figures kept incrementally: reading them costs nothing. */
export interface StoreTotals {
  readonly torrents: number;
  readonly seeders: number;
  readonly leechers: number;
  /** Bytes held by peer records and indexes (memory store only). */
  readonly peerBytes?: number;
}

/**
 * Swarm storage: in memory (one process) or in Redis (several tracker instances). Peers that stop announcing
 * expire after the peer TTL; swarms left empty disappear.
 */
export interface SwarmStore {
  /**
   * Reads every byte of `update` before it returns (the UDP listener hands in views of a receive buffer that the
   * next batch overwrites); a promise must not look at `update` again.
   */
  announce(update: PeerUpdate, select: PeerSelection): StoreAnnounceOutcome | Promise<StoreAnnounceOutcome>;
  /** Counts of the given torrents (zeros for unknown ones), in order. */
  scrape(infoHashes: readonly Uint8Array[]): readonly SwarmCounts[] | Promise<readonly SwarmCounts[]>;
  /** Up to `limit` torrents with their counts (scrape-all). */
  scrapeAll(
    limit: number,
  ):
    | ReadonlyArray<{ infoHash: Uint8Array; counts: SwarmCounts }>
    | Promise<ReadonlyArray<{ infoHash: Uint8Array; counts: SwarmCounts }>>;
  totals(): StoreTotals;
  /** Removes expired peers and empty swarms; returns how many peers went. */
  sweep(): number | Promise<number>;
  close(): Promise<void>;
}

export const EMPTY_PEERS: SelectedPeers = Object.freeze({
  compact4: new Uint8Array(0),
  compact6: new Uint8Array(0),
  ids4: undefined,
  ids6: undefined,
  wsPeerIds: new Uint8Array(0),
});
