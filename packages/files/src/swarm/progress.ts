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
