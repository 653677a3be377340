/** The frames of the file-sharing wire protocol (version 1). Every frame: version u8, type u8, then its fields. */
export const WIRE_VERSION = 1;
/** Frames never exceed this; a peer channel's maxMessageSize is at least this much (min(negotiated, 64 KiB)). */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Bounds on lists a peer can send in one frame. */
export const MAX_HANDSHAKE_ROOTS = 1024;
export const MAX_CATALOGUE_ENTRIES = 128;
/** A manifest travels in chunks of at most this many bytes. */
export const MANIFEST_CHUNK_BYTES = 48 * 1024;

export const FRAME_TYPE = {
  handshake: 1,
  catalogue: 2,
  manifestRequest: 3,
  manifestReply: 4,
  have: 5,
  bitfield: 6,
  request: 7,
  block: 8,
  cancel: 9,
  reject: 10,
  requests: 11,
  blocks: 12,
} as const;

/**
 * Capabilities ride in the handshake as reserved roots, so that version-1 peers, which ignore roots they do not
 * hold, keep working: a peer lists a capability root to say it understands the frames of that capability.
 * `CAPABILITY_BLOCKS` (SHA-256 of "switchboard-files capability: blocks"): send it `blocks` frames.
 */
export const CAPABILITY_BLOCKS = new Uint8Array([
  0x31, 0xb1, 0x2e, 0xc5, 0x0c, 0x8f, 0x8f, 0x82, 0x83, 0xb9, 0x18, 0x8c, 0x7b, 0x64, 0x32, 0xde, 0x2d, 0x51,
  0xcc, 0x74, 0x9e, 0x4a, 0xe4, 0x08, 0x3b, 0x90, 0x78, 0xa2, 0xcf, 0x3d, 0x16, 0x7d,
]);

/**
 * At most this many blocks in one `blocks` frame: three 16 KiB blocks and their headers fit one 64 KiB message
 * (one message instead of three: per-message costs in both SCTP stacks and both event loops are what limits).
 */
export const MAX_BLOCKS_PER_FRAME = 3;

/** At most this many block requests in one `requests` frame. */
export const MAX_BATCH_REQUESTS = 256;

/** Why a request (or a manifest request, `piece` = MANIFEST_PIECE) was refused. */
export const REJECT_REASON = { unknownFile: 1, notHeld: 2, overloaded: 3, outOfRange: 4 } as const;
export type RejectReason = (typeof REJECT_REASON)[keyof typeof REJECT_REASON];
export const MANIFEST_PIECE = 0xffffffff;

export interface CatalogueEntry {
  readonly root: Uint8Array;
  readonly name: string;
  readonly size: number;
}

/** A span of a piece: a request, a cancel, or what a reject refers to. */
export interface BlockRef {
  readonly root: Uint8Array;
  readonly piece: number;
  readonly offset: number;
  readonly length: number;
}

export type Frame =
  | { readonly type: "handshake"; readonly roots: readonly Uint8Array[] }
  | { readonly type: "catalogue"; readonly files: readonly CatalogueEntry[] }
  | { readonly type: "manifest-request"; readonly root: Uint8Array }
  | {
      readonly type: "manifest-reply";
      readonly root: Uint8Array;
      readonly total: number;
      readonly offset: number;
      readonly data: Uint8Array;
    }
  | { readonly type: "have"; readonly root: Uint8Array; readonly piece: number }
  | {
      readonly type: "bitfield";
      readonly root: Uint8Array;
      readonly pieceCount: number;
      readonly bits: Uint8Array;
    }
  | ({ readonly type: "request" } & BlockRef)
  /** Several requests for one file in one frame (the same as that many `request` frames, in order). */
  | {
      readonly type: "requests";
      readonly root: Uint8Array;
      readonly spans: readonly { readonly piece: number; readonly offset: number; readonly length: number }[];
    }
  | {
      readonly type: "block";
      readonly root: Uint8Array;
      readonly piece: number;
      readonly offset: number;
      readonly data: Uint8Array;
    }
  /** 2–MAX_BLOCKS_PER_FRAME blocks of one file in one frame (the same as that many `block` frames, in order). */
  | {
      readonly type: "blocks";
      readonly root: Uint8Array;
      readonly blocks: readonly {
        readonly piece: number;
        readonly offset: number;
        readonly data: Uint8Array;
      }[];
    }
  | ({ readonly type: "cancel" } & BlockRef)
  | ({ readonly type: "reject"; readonly reason: RejectReason } & BlockRef);

export type FrameOf<T extends Frame["type"]> = Extract<Frame, { type: T }>;
