import type { Manifest } from "../manifest.js";
import { pieceCountFor, pieceLength } from "../piece-size.js";
import type { PieceStore } from "../storage/piece-store.js";
import { encodeBlocksFrame } from "../wire/codec.js";
import { MANIFEST_CHUNK_BYTES, MANIFEST_PIECE, REJECT_REASON, type BlockRef } from "../wire/frames.js";
import { encodeManifest } from "../manifest.js";
import type { PeerLink } from "./peer-link.js";

/** Whole pieces kept for serving (recently read first out last). */
const READ_CACHE_BYTES = 16 * 1024 * 1024;
/** Reads started ahead of their turn, at most (bytes; always at least one piece). */
const PREFETCH_BYTES = 4 * 1024 * 1024;

/**
 * The serving side of one file: checks block requests against what we hold, reads pieces (whole, through a small
 * cache: requests come block by block for the same pieces) and sends the manifest in chunks.
 */
export class PieceServer {
  readonly #root: Uint8Array;
  readonly #cache = new Map<number, Promise<Uint8Array>>();
  #manifest: Manifest | null = null;
  #store: PieceStore | null = null;
  #prefetching = 0;

  constructor(root: Uint8Array) {
    this.#root = root;
  }

  use(manifest: Manifest, store: PieceStore): void {
    this.#manifest = manifest;
    this.#store = store;
  }

  /** Whether a request can be served now; a reject reason otherwise. */
  check(req: BlockRef): number | null {
    const m = this.#manifest;
    if (!m || !this.#store) return REJECT_REASON.unknownFile;
    if (req.piece >= pieceCountFor(m.size, m.pieceSize)) return REJECT_REASON.outOfRange;
    if (req.offset + req.length > pieceLength(m.size, m.pieceSize, req.piece))
      return REJECT_REASON.outOfRange;
    if (!this.#store.verified.has(req.piece)) return REJECT_REASON.notHeld;
    return null;
  }

  /** The block's bytes (a view into the cached piece). */
  async block(req: BlockRef): Promise<Uint8Array> {
    const piece = await this.#piece(req.piece);
    return piece.subarray(req.offset, req.offset + req.length);
  }

  /**
   * The encoded frame for checked requests, read straight into it, when the store reads synchronously; null
   * otherwise (then `block` per request, through the piece cache). Blocks that follow each other in the file (the
   * usual batch: the next blocks of one piece) are read with one call. With `into` the frame is a view of it.
   */
  directFrame(reqs: readonly BlockRef[], into?: Uint8Array): Uint8Array | null {
    const store = this.#store;
    const m = this.#manifest;
    if (!store?.readInto || !m) return null;
    return encodeBlocksFrame(
      this.#root,
      reqs,
      (data) => {
        let at = 0;
        for (let i = 0; i < reqs.length;) {
          const start = reqs[i].piece * m.pieceSize + reqs[i].offset;
          let end = start + reqs[i].length;
          for (i++; i < reqs.length && reqs[i].piece * m.pieceSize + reqs[i].offset === end; i++)
            end += reqs[i].length;
          store.readInto!(start, data.subarray(at, at + end - start));
          at += end - start;
        }
      },
      into,
    );
  }

  /**
   * Starts reading a queued request's piece ahead of its turn, so the send loop does not wait on the disk between
   * pieces. At most PREFETCH_BYTES of reads ahead at once: a flood of requests cannot pile up reads.
   */
  prefetch(req: BlockRef): void {
    const m = this.#manifest;
    if (!m || this.#store?.readInto || this.#cache.has(req.piece) || this.check(req) !== null) return;
    if (this.#prefetching > 0 && (this.#prefetching + 1) * m.pieceSize > PREFETCH_BYTES) return;
    this.#prefetching++;
    this.#piece(req.piece)
      .catch(() => undefined)
      .finally(() => this.#prefetching--);
  }

  #piece(piece: number): Promise<Uint8Array> {
    const hit = this.#cache.get(piece);
    if (hit) {
      this.#cache.delete(piece);
      this.#cache.set(piece, hit);
      return hit;
    }
    const m = this.#manifest!;
    const read = this.#store!.read(piece * m.pieceSize, pieceLength(m.size, m.pieceSize, piece));
    this.#cache.set(piece, read);
    read.catch(() => this.#cache.delete(piece));
    while (this.#cache.size * m.pieceSize > READ_CACHE_BYTES && this.#cache.size > 1) {
      this.#cache.delete(this.#cache.keys().next().value!);
    }
    return read;
  }

  /** Sends the manifest in chunks, or refuses when we do not know it yet. */
  sendManifest(link: PeerLink): void {
    if (!this.#manifest) {
      link.send({
        type: "reject",
        root: this.#root,
        piece: MANIFEST_PIECE,
        offset: 0,
        length: 0,
        reason: REJECT_REASON.unknownFile,
      });
      return;
    }
    const bytes = encodeManifest(this.#manifest);
    for (let at = 0; at < bytes.length; at += MANIFEST_CHUNK_BYTES) {
      const data = bytes.subarray(at, at + MANIFEST_CHUNK_BYTES);
      link.send({ type: "manifest-reply", root: this.#root, total: bytes.length, offset: at, data });
    }
  }
}
