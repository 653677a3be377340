/**
 * The one request shape every tracker transport (HTTP BEP 3/23/7/48, UDP BEP 15, WebSocket/WebTorrent) parses
 * into, and the results the announce/scrape core gives back. Pure data: bytes in, readonly plain objects out.
 */

/** Which transport a request arrived on. */
export type TrackerTransport = "http" | "udp" | "websocket";

/** BEP 3 `event`; "none" is a regular interval re-announce (BEP 15 event 0). */
export type AnnounceEvent = "none" | "completed" | "started" | "stopped";

/** Length of an info-hash and of a peer id, in bytes (BEP 3). */
export const INFO_HASH_LENGTH = 20;
export const PEER_ID_LENGTH = 20;

/** An announce, whatever transport carried it. */
export interface AnnounceRequest {
  readonly transport: TrackerTransport;
  /** 20 bytes. */
  readonly infoHash: Uint8Array;
  /** 20 bytes, binary-safe. */
  readonly peerId: Uint8Array;
  /** The address the request came from (the tracker never trusts an `ip` parameter). */
  readonly address: string;
  /** TCP port the peer listens on; 0 for WebSocket peers (they connect through offers). */
  readonly port: number;
  readonly uploaded: number;
  readonly downloaded: number;
  /** Bytes still missing; 0 means the peer is a seeder. */
  readonly left: number;
  readonly event: AnnounceEvent;
  /** Peers wanted; undefined means the tracker's default. */
  readonly numwant: number | undefined;
  /** BEP 7/15 `key`, as an unsigned 32-bit number: lets a peer keep its slot across address changes. */
  readonly key: number | undefined;
  /** Private-tracker passkey taken from the URL path, if any. */
  readonly passkey: string | undefined;
  /** HTTP `compact=0` asks for a list of dictionaries with peer ids; every other case is compact. */
  readonly compact: boolean;
}

/** A scrape of one or more info-hashes (BEP 48); an empty list asks for every torrent ("scrape-all"). */
export interface ScrapeRequest {
  readonly transport: TrackerTransport;
  readonly infoHashes: readonly Uint8Array[];
  readonly address: string;
  readonly passkey: string | undefined;
}

/** Counts for one torrent (BEP 48 names: complete = seeders, incomplete = leechers, downloaded). */
export interface SwarmCounts {
  readonly complete: number;
  readonly incomplete: number;
  readonly downloaded: number;
}

/**
 * Peers chosen for an announce, already packed: `compact4` holds 6-byte entries (IPv4 + port), `compact6`
 * 18-byte entries (IPv6 + port), `ids4`/`ids6` the matching 20-byte peer ids when they were asked for.
 * WebSocket swarms only use `wsPeerIds` (20 bytes each).
 */
export interface SelectedPeers {
  readonly compact4: Uint8Array;
  readonly compact6: Uint8Array;
  readonly ids4: Uint8Array | undefined;
  readonly ids6: Uint8Array | undefined;
  readonly wsPeerIds: Uint8Array;
}

/** What the core answers to an announce. */
export interface AnnounceResult extends SwarmCounts {
  /** Seconds between regular announces. */
  readonly interval: number;
  /** Seconds a client must wait at least before announcing again. */
  readonly minInterval: number;
  readonly peers: SelectedPeers;
}

/** What the core answers to a scrape: counts per info-hash (hex), in request order. */
export interface ScrapeResult {
  readonly files: ReadonlyArray<{ readonly infoHash: Uint8Array; readonly counts: SwarmCounts }>;
}
