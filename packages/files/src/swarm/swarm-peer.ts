import type { Bitfield } from "../bitfield.js";
import { BLOCK_SIZE, MAX_PIECE_SIZE } from "../piece-size.js";
import { RateMeter } from "../rate-meter.js";
import type { FrameOf } from "../wire/frames.js";
import type { PeerLink } from "./peer-link.js";
import { RequestWindow } from "./request-window.js";

/** What one file's swarm knows of one peer. */
export interface SwarmPeer {
  readonly link: PeerLink;
  has: Bitfield | null;
  /** Haves (and a bitfield) that came before we knew the manifest. */
  early: { bits: FrameOf<"bitfield"> | null; haves: number[] };
  /** Our block requests to it, by `blockKey(piece, offset)`. */
  readonly inflight: Map<number, { piece: number; offset: number; at: number }>;
  readonly window: RequestWindow;
  readonly down: RateMeter;
  readonly up: RateMeter;
  piecesContributed: number;
  badPieces: number;
  banned: boolean;
}

/** Haves queued per peer before the manifest is known, at most. */
export const MAX_EARLY_HAVES = 1 << 16;

export function newSwarmPeer(link: PeerLink, badPieces: number, banned: boolean): SwarmPeer {
  return {
    link,
    has: null,
    early: { bits: null, haves: [] },
    inflight: new Map(),
    window: new RequestWindow(),
    down: new RateMeter(),
    up: new RateMeter(),
    piecesContributed: 0,
    badPieces,
    banned,
  };
}

/** Blocks in the largest piece: a block's key is `piece * BLOCKS_PER_PIECE + offset / BLOCK_SIZE`. */
const BLOCKS_PER_PIECE = MAX_PIECE_SIZE / BLOCK_SIZE;

/**
 * A number naming one block (a Map with small-integer keys: no string built and hashed per block). Only for an
 * offset on a block boundary inside a piece (`isBlockOffset`): others would collide.
 */
export const blockKey = (piece: number, offset: number): number =>
  piece * BLOCKS_PER_PIECE + offset / BLOCK_SIZE;

export const isBlockOffset = (offset: number): boolean =>
  offset % BLOCK_SIZE === 0 && offset >= 0 && offset < MAX_PIECE_SIZE;
