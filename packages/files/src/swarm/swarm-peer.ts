import type { Bitfield } from "../bitfield.js";
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
  /** Our block requests to it, by `piece:offset`. */
  readonly inflight: Map<string, { piece: number; offset: number; at: number }>;
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

export const blockKey = (piece: number, offset: number): string => `${piece}:${offset}`;
