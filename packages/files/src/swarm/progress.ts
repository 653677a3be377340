import type { Bitfield } from "../bitfield.js";
import type { Manifest } from "../manifest.js";
import { pieceLength } from "../piece-size.js";
import type { RateMeter } from "../rate-meter.js";
import type { SwarmPeer } from "./swarm-peer.js";

/** One peer's part in one file's transfer. */
export interface PeerProgress {
  readonly peerId: string;
  /** Block bytes received from this peer (verified or not). */
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** Verified pieces this peer delivered blocks of: who gave what. */
  readonly piecesContributed: number;
  readonly downloadRate: number;
  readonly uploadRate: number;
  readonly inFlight: number;
  /** Pieces it delivered that failed their hash (blamed block by block). */
  readonly badPieces: number;
  readonly banned: boolean;
  /** Pieces it holds, once its bitfield is known. */
  readonly piecesHeld: number | null;
}

export type FileState = "fetching-manifest" | "downloading" | "seeding" | "closed";

/** One file's transfer, as the progress store and the `progress` event give it. */
export interface FileProgress {
  readonly root: string;
  readonly name: string | null;
  readonly size: number | null;
  readonly pieceCount: number | null;
  readonly state: FileState;
  /** Every piece held and verified. */
  readonly complete: boolean;
  readonly piecesVerified: number;
  readonly bytesVerified: number;
  /** Pieces that failed their hash (each one refetched). */
  readonly badPieces: number;
  readonly bytesReceived: number;
  readonly bytesUploaded: number;
  readonly downloadRate: number;
  readonly uploadRate: number;
  /** Seconds left at the current rate; null when unknown or done. */
  readonly etaSeconds: number | null;
  readonly peers: readonly PeerProgress[];
}

/** ETA from what is left and the current rate. */
export function estimateEta(bytesLeft: number, rate: number): number | null {
  if (bytesLeft <= 0) return 0;
  if (rate <= 0) return null;
  return Math.ceil(bytesLeft / rate);
}

/** What a progress snapshot is made from (the swarm's state at one moment). */
export interface ProgressSource {
  readonly root: string;
  readonly manifest: Manifest | null;
  readonly verified: Bitfield | null;
  readonly closed: boolean;
  readonly badPieces: number;
  readonly down: RateMeter;
  readonly up: RateMeter;
  readonly peers: Iterable<SwarmPeer>;
}

/** One file's progress from the swarm's state (pure). */
export function snapshotProgress(s: ProgressSource): FileProgress {
  const m = s.manifest;
  const verified = s.verified;
  const complete = verified?.complete ?? false;
  let bytesVerified = 0;
  if (m && verified) {
    bytesVerified = verified.count * m.pieceSize;
    const last = verified.length - 1;
    if (verified.has(last)) bytesVerified -= m.pieceSize - pieceLength(m.size, m.pieceSize, last);
  }
  const downloadRate = s.down.rate();
  const peers: PeerProgress[] = [...s.peers].map((p) => ({
    peerId: p.link.peerId,
    bytesReceived: p.down.total,
    bytesSent: p.up.total,
    piecesContributed: p.piecesContributed,
    downloadRate: p.down.rate(),
    uploadRate: p.up.rate(),
    inFlight: p.inflight.size,
    badPieces: p.badPieces,
    banned: p.banned,
    piecesHeld: p.has?.count ?? null,
  }));
  const state: FileState = s.closed
    ? "closed"
    : !m
      ? "fetching-manifest"
      : complete
        ? "seeding"
        : "downloading";
  return {
    root: s.root,
    name: m?.name ?? null,
    size: m?.size ?? null,
    pieceCount: verified?.length ?? null,
    state,
    complete,
    piecesVerified: verified?.count ?? 0,
    bytesVerified,
    badPieces: s.badPieces,
    bytesReceived: s.down.total,
    bytesUploaded: s.up.total,
    downloadRate,
    uploadRate: s.up.rate(),
    etaSeconds: m && !complete ? estimateEta(m.size - bytesVerified, downloadRate) : null,
    peers,
  };
}
