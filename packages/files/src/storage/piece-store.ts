import type { Bitfield } from "../bitfield.js";
import type { Manifest } from "../manifest.js";

/**
 * Where a file's pieces live. The swarm writes only verified pieces (whole), reads blocks to serve them, and
 * calls `finish` once every piece is verified. Implementations: memory, Node file (`.part` + bitfield), OPFS.
 */
export interface PieceStore {
  /** Pieces already held and verified (a resumed download starts from here). */
  readonly verified: Bitfield;
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional, for stores that read synchronously (Node files, memory): fills `dst` with the bytes at `offset`.
   * Serving then reads blocks straight into the frame that carries them (no buffer per piece, no copy).
   */
  readInto?(offset: number, dst: Uint8Array): void;
  writePiece(index: number, data: Uint8Array): Promise<void>;
  /** `writePiece` keeps no reference to `data` once it resolved: the swarm may reuse the buffer for another piece. */
  readonly releasesWrittenData?: boolean;
  /** Every piece is verified: make the file final (rename, hand to the user). Idempotent. */
  finish(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (or resumes) the store for a manifest learnt from peers. */
export type PieceStoreFactory = (manifest: Manifest) => Promise<PieceStore>;
