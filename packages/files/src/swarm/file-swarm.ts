import { Bitfield } from "../bitfield.js";
import { bytesEqual, toHex } from "../bytes.js";
import { Emitter } from "../emitter.js";
import { FilesError, WireError } from "../errors.js";
import { sha256, type PieceHasher } from "../hash.js";
import { decodeManifest, type Manifest } from "../manifest.js";
import { BLOCK_SIZE, pieceCountFor, pieceLength } from "../piece-size.js";
import { RateMeter } from "../rate-meter.js";
import { writable, type Readable } from "../readable.js";
import type { PieceStore, PieceStoreFactory } from "../storage/piece-store.js";
import {
  MANIFEST_PIECE,
  MAX_BATCH_REQUESTS,
  MAX_FRAME_BYTES,
  REJECT_REASON,
  type BlockRef,
  type Frame,
  type FrameOf,
} from "../wire/frames.js";
import { ManifestFetch } from "./manifest-fetch.js";
import type { PeerLink } from "./peer-link.js";
import { blameBlocks, type PieceBuffer } from "./piece-buffer.js";
import { PiecePicker } from "./piece-picker.js";
import { PieceServer } from "./piece-server.js";
import { snapshotProgress, type FileProgress } from "./progress.js";
import { Strikes } from "./strikes.js";
import { MAX_EARLY_HAVES, blockKey, isBlockOffset, newSwarmPeer, type SwarmPeer } from "./swarm-peer.js";

export interface SwarmEvents extends Record<string, unknown> {
  manifest: Manifest;
  "piece-verified": { piece: number; from: readonly string[] };
  "piece-failed": { piece: number; from: readonly string[] };
  "peer-banned": { peerId: string; badPieces: number };
  progress: FileProgress;
  complete: FileProgress;
  error: FilesError;
}

export interface FileSwarmOptions {
  readonly root: Uint8Array;
  /** Seeding (or resuming with the manifest known): the manifest and its store. */
  readonly manifest?: Manifest;
  readonly store?: PieceStore;
  /** Downloading from a root alone: opens storage once the manifest arrives from a peer. */
  readonly openStore?: PieceStoreFactory;
  readonly requestTimeoutMs?: number;
  /** Bad pieces after which a peer is dropped for this file. */
  readonly maxBadPieces?: number;
  readonly random?: () => number;
  /** SHA-256 of a received piece (default: WebCrypto on this thread; Node: `WorkerHasher`). */
  readonly hashPiece?: PieceHasher;
}

/** Piece buffers kept for reuse, at most. */
const MAX_SPARE_BUFFERS = 4;
/** Block-frame buffers kept for reuse, at most (each peer's upload queue has one frame out at a time). */
const MAX_POOLED_FRAMES = 8;

const storageError = (e: unknown): FilesError =>
  e instanceof FilesError ? e : new FilesError("storage_failed", String(e));

/**
 * One file's swarm: the peers that hold or want it, what we asked of whom, verification, progress. Fetching the
 * manifest (`ManifestFetch`), serving (`PieceServer`), choosing blocks (`PiecePicker`) and strikes (`Strikes`) are
 * parts of their own; this class routes frames between them. Frames reach it through FileShare, which owns the
 * channels.
 */
export class FileSwarm {
  readonly root: Uint8Array;
  readonly rootHex: string;
  readonly events = new Emitter<SwarmEvents>();
  manifest: Manifest | null = null;
  store: PieceStore | null = null;
  readonly #opts: FileSwarmOptions;
  readonly #hash: PieceHasher;
  readonly #peers = new Map<string, SwarmPeer>();
  readonly #strikes: Strikes;
  readonly #buffers = new Map<number, PieceBuffer>();
  readonly #suspects = new Map<number, PieceBuffer>();
  /** Full-size piece buffers free for the next piece (every byte is overwritten before a piece is verified). */
  readonly #spare: Uint8Array[] = [];
  /** Frame buffers (MAX_FRAME_BYTES each) free for the next block frame we serve. */
  readonly #framePool: Uint8Array[] = [];
  readonly #server: PieceServer;
  readonly #manifestFetch: ManifestFetch;
  readonly #progress;
  readonly #down = new RateMeter();
  readonly #up = new RateMeter();
  #picker: PiecePicker | null = null;
  #opening = false;
  #badPieces = 0;
  #closed = false;
  #timer: ReturnType<typeof setInterval>;
  #completeSignalled = false;
  #publishTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: FileSwarmOptions) {
    this.#opts = opts;
    this.root = opts.root;
    this.rootHex = toHex(opts.root);
    this.#hash = opts.hashPiece ?? sha256;
    this.#strikes = new Strikes(opts.maxBadPieces ?? 2);
    this.#server = new PieceServer(opts.root);
    this.#manifestFetch = new ManifestFetch(opts.root, (id, bytes) => void this.#openManifest(id, bytes));
    this.#progress = writable<FileProgress>(this.#snapshot());
    if (opts.manifest && opts.store) this.#useManifest(opts.manifest, opts.store);
    this.#timer = setInterval(() => this.#tick(), 1000);
    this.#timer.unref?.();
  }

  get progress(): Readable<FileProgress> {
    return this.#progress;
  }

  get complete(): boolean {
    return this.store?.verified.complete ?? false;
  }

  /** Resolves once every piece is verified and the store finished; rejects if the swarm closes first. */
  whenComplete(): Promise<FileProgress> {
    if (this.complete && this.#completeSignalled) return Promise.resolve(this.#progress.get());
    return new Promise((resolve, reject) => {
      const offs = [
        this.events.on("complete", (p) => {
          offs.forEach((f) => f());
          resolve(p);
        }),
        this.events.on("error", (e) => {
          offs.forEach((f) => f());
          reject(e);
        }),
      ];
    });
  }

  addPeer(link: PeerLink): void {
    if (this.#closed || this.#peers.has(link.peerId)) return;
    const id = link.peerId;
    const peer = newSwarmPeer(link, this.#strikes.count(id), this.#strikes.banned(id));
    this.#peers.set(id, peer);
    if (this.store) this.#sendBitfield(peer);
    else this.#manifestFetch.next(this.#peers.values());
    this.#publish();
  }

  /** The peer re-announced the file (it may have learnt the manifest since it last refused us). */
  peerAnnounced(peerId: string): void {
    this.#manifestFetch.retry(peerId);
    this.#manifestFetch.next(this.#peers.values());
  }

  removePeer(peerId: string): void {
    if (!this.#peers.delete(peerId)) return;
    this.#picker?.removePeer(peerId);
    if (this.#manifestFetch.abandon(peerId)) this.#manifestFetch.next(this.#peers.values());
    this.#fillAll();
    this.#publish();
  }

  /** A frame for this file from a peer. Throws WireError when the frame breaks the protocol (the link closes). */
  onFrame(link: PeerLink, f: Frame): void {
    const peer = this.#peers.get(link.peerId);
    if (!peer || peer.banned || this.#closed) return;
    switch (f.type) {
      case "manifest-reply":
        return this.#manifestFetch.onChunk(link.peerId, f);
      case "bitfield":
        return this.#onBitfield(peer, f);
      case "have":
        return this.#onHave(peer, f.piece);
      case "block":
        return this.#onBlock(peer, f.piece, f.offset, f.data);
      case "blocks":
        for (const b of f.blocks) this.#onBlock(peer, b.piece, b.offset, b.data);
        return;
      case "reject":
        return this.#onReject(peer, f);
      default:
        return;
    }
  }

  /** Whether we can serve a request right now; a reject reason otherwise. */
  checkRequest(peerId: string, req: BlockRef): number | null {
    if (this.#peers.get(peerId)?.banned) return REJECT_REASON.notHeld;
    return this.#server.check(req);
  }

  /** A request was queued for serving: its piece may be read ahead. */
  prefetch(req: BlockRef): void {
    this.#server.prefetch(req);
  }

  /**
   * Reads blocks and sends them in one frame (`block` for one, `blocks` for several: only to a peer that said it
   * reads them); resolves when the channel accepted it.
   */
  async serveBlocks(link: PeerLink, reqs: readonly BlockRef[]): Promise<void> {
    const ok = reqs.filter((r) => this.checkRequest(link.peerId, r) === null);
    if (ok.length === 0) return;
    // Frames are read into pooled buffers: a channel holds its own copy of what it sent by the time `sendBlock`
    // resolves, so the buffer is free again then (no 48 KiB allocation, zero-fill and garbage per frame).
    const pooled = this.#framePool.pop() ?? new Uint8Array(MAX_FRAME_BYTES);
    try {
      let frame: Frame | Uint8Array | null = this.#server.directFrame(ok, pooled);
      if (!frame) {
        const blocks = await Promise.all(
          ok.map(async (r) => ({ piece: r.piece, offset: r.offset, data: await this.#server.block(r) })),
        );
        frame =
          blocks.length === 1
            ? { type: "block", root: this.root, ...blocks[0] }
            : { type: "blocks", root: this.root, blocks };
      }
      if (await link.sendBlock(frame)) {
        const bytes = ok.reduce((n, r) => n + r.length, 0);
        this.#up.add(bytes);
        this.#peers.get(link.peerId)?.up.add(bytes);
        this.#schedulePublish();
      }
    } finally {
      if (this.#framePool.length < MAX_POOLED_FRAMES) this.#framePool.push(pooled);
    }
  }

  /** Serves a manifest request (the caller checked the root). */
  sendManifest(link: PeerLink): void {
    this.#server.sendManifest(link);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#publishTimer) clearTimeout(this.#publishTimer);
    this.#publish();
    if (!this.complete) this.events.emit("error", new FilesError("aborted", "the transfer was stopped"));
    await this.store?.close();
  }

  // ---- manifest -------------------------------------------------------------------------------------------

  async #openManifest(peerId: string, bytes: Uint8Array): Promise<void> {
    try {
      const manifest = await decodeManifest(bytes, this.root);
      if (this.manifest || this.#opening || this.#closed) return;
      this.#opening = true;
      const store = await this.#opts.openStore!(manifest);
      this.#opening = false;
      if (this.#closed) return void (await store.close());
      this.#useManifest(manifest, store);
    } catch (e) {
      this.#opening = false;
      if (e instanceof FilesError && e.code.startsWith("manifest")) {
        this.#manifestFetch.abandon(peerId);
        this.#strike(peerId); // a peer that lies about a manifest is a liar for this file
        this.#manifestFetch.next(this.#peers.values());
      } else {
        this.events.emit("error", storageError(e));
      }
    }
  }

  #useManifest(manifest: Manifest, store: PieceStore): void {
    this.manifest = manifest;
    this.store = store;
    this.#manifestFetch.finish();
    this.#server.use(manifest, store);
    this.#picker = new PiecePicker({
      pieceCount: pieceCountFor(manifest.size, manifest.pieceSize),
      pieceLength: (i) => pieceLength(manifest.size, manifest.pieceSize, i),
      have: store.verified,
      ...(this.#opts.random ? { random: this.#opts.random } : {}),
    });
    this.events.emit("manifest", manifest);
    for (const peer of this.#peers.values()) {
      this.#sendBitfield(peer);
      if (peer.early.bits) this.#onBitfield(peer, peer.early.bits);
      for (const h of peer.early.haves) this.#onHave(peer, h);
      peer.early = { bits: null, haves: [] };
    }
    void this.#checkComplete();
    this.#publish();
  }

  // ---- what peers have ---------------------------------------------------------------------------------------

  #sendBitfield(peer: SwarmPeer): void {
    const v = this.store!.verified;
    peer.link.send({ type: "bitfield", root: this.root, pieceCount: v.length, bits: v.bytes.slice() });
  }

  #onBitfield(peer: SwarmPeer, f: FrameOf<"bitfield">): void {
    if (!this.#picker) return void (peer.early.bits = f);
    if (f.pieceCount !== this.#picker.have.length)
      throw new WireError("frame_malformed", "bitfield piece count");
    peer.has = new Bitfield(f.pieceCount, f.bits);
    this.#picker.addPeer(peer.link.peerId, new Bitfield(f.pieceCount, f.bits));
    this.#fill(peer);
  }

  #onHave(peer: SwarmPeer, piece: number): void {
    if (!this.#picker) {
      if (peer.early.haves.length < MAX_EARLY_HAVES) peer.early.haves.push(piece);
      return;
    }
    if (piece >= this.#picker.have.length) throw new WireError("frame_malformed", "have beyond the file");
    if (!peer.has) {
      peer.has = new Bitfield(this.#picker.have.length);
      this.#picker.addPeer(peer.link.peerId, new Bitfield(this.#picker.have.length));
    }
    peer.has.set(piece);
    this.#picker.peerHave(peer.link.peerId, piece);
    this.#fill(peer);
  }

  // ---- downloading ------------------------------------------------------------------------------------------

  #fillAll(except?: SwarmPeer): void {
    for (const p of this.#peers.values()) if (p !== except) this.#fill(p);
  }

  /**
   * Refills in batches (once half the window is free), not one request frame per block or piece: every message
   * the downloader sends is a send on the thread that takes the blocks in (on loopback it may hand the core to
   * the other side), so fewer, larger request frames.
   */
  #topUp(peer: SwarmPeer): void {
    if (peer.inflight.size <= peer.window.limit >> 1) this.#fill(peer);
  }

  #fill(peer: SwarmPeer): void {
    if (!this.#picker || peer.banned || !peer.has || this.#closed || peer.link.closed) return;
    const now = Date.now();
    for (;;) {
      const room = peer.window.limit - peer.inflight.size;
      if (room <= 0) return;
      const spans = this.#picker.pick(peer.link.peerId, Math.min(room, MAX_BATCH_REQUESTS));
      for (const s of spans)
        peer.inflight.set(blockKey(s.piece, s.offset), { piece: s.piece, offset: s.offset, at: now });
      // One frame per batch: far fewer messages on the channel than one per 16 KiB block.
      if (spans.length === 1) peer.link.send({ type: "request", root: this.root, ...spans[0] });
      else if (spans.length > 1) peer.link.send({ type: "requests", root: this.root, spans });
      if (spans.length < MAX_BATCH_REQUESTS) return;
    }
  }

  #onBlock(peer: SwarmPeer, piece: number, offset: number, data: Uint8Array): void {
    const m = this.manifest;
    if (!m || !this.#picker) return;
    if (piece >= this.#picker.have.length) throw new WireError("frame_malformed", "block beyond the file");
    const len = pieceLength(m.size, m.pieceSize, piece);
    if (offset + data.length > len || (data.length !== BLOCK_SIZE && offset + data.length !== len)) {
      throw new WireError("frame_malformed", "block length does not fit the piece");
    }
    // (The decoder checked the offset is on a block boundary; with the check above it names a block of this piece.)
    if (!peer.inflight.delete(blockKey(piece, offset))) return; // not asked of this peer (or cancelled)
    peer.down.add(data.length);
    this.#down.add(data.length);
    const r = this.#picker.blockReceived(peer.link.peerId, piece, offset);
    for (const c of r.cancel) {
      const other = this.#peers.get(c.peer);
      if (other?.inflight.delete(blockKey(c.span.piece, c.span.offset))) {
        other.link.send({ type: "cancel", root: this.root, ...c.span });
      }
    }
    if (r.accepted) {
      let buf = this.#buffers.get(piece);
      if (!buf) {
        const bytes = (len === m.pieceSize && this.#spare.pop()) || new Uint8Array(len);
        buf = { data: bytes, from: new Array<string>(Math.ceil(len / BLOCK_SIZE)).fill("") };
        this.#buffers.set(piece, buf);
      }
      buf.data.set(data, offset);
      buf.from[offset / BLOCK_SIZE] = peer.link.peerId;
      if (r.pieceDone) void this.#verify(piece, buf);
    }
    this.#schedulePublish();
    this.#topUp(peer);
  }

  async #verify(piece: number, buf: PieceBuffer): Promise<void> {
    this.#buffers.delete(piece);
    let ok: boolean;
    try {
      ok = bytesEqual(await this.#hash(buf.data), this.manifest!.pieceHashes[piece]);
    } catch (e) {
      if (!this.#closed) this.events.emit("error", storageError(e));
      return;
    }
    if (this.#closed || !this.#picker) return;
    const from = [...new Set(buf.from)];
    if (!ok) {
      this.#badPieces++;
      this.#picker.pieceFailed(piece, from);
      this.events.emit("piece-failed", { piece, from });
      if (from.length === 1) this.#strike(from[0]);
      else this.#suspects.set(piece, buf);
    } else {
      try {
        await this.store!.writePiece(piece, buf.data);
      } catch (e) {
        this.events.emit("error", storageError(e));
        return void this.close();
      }
      this.#picker.pieceVerified(piece);
      for (const id of from) {
        const p = this.#peers.get(id);
        if (p) p.piecesContributed++;
      }
      const suspect = this.#suspects.get(piece);
      if (suspect) {
        this.#suspects.delete(piece);
        for (const id of blameBlocks(suspect, buf.data)) this.#strike(id);
      }
      // Stored: the buffer can take the next piece (fewer large allocations, less GC on the receiving thread).
      if (
        this.store!.releasesWrittenData &&
        buf.data.length === this.manifest!.pieceSize &&
        this.#spare.length < MAX_SPARE_BUFFERS
      )
        this.#spare.push(buf.data);
      this.events.emit("piece-verified", { piece, from });
      // A peer that holds every piece has no use for our haves (one message less per piece per seeder).
      for (const p of this.#peers.values())
        if (!p.banned && !p.has?.complete) p.link.send({ type: "have", root: this.root, piece });
      await this.#checkComplete();
      // Throttled like the blocks (every 100 ms at most); completion publishes at once in #checkComplete.
      this.#schedulePublish();
      for (const p of this.#peers.values()) this.#topUp(p);
    }
    if (!ok) this.#fillAll(); // the failed piece is up for grabs again
  }

  /** One more bad piece (or manifest) from this peer; past the limit it is dropped for this file. */
  #strike(id: string): void {
    const { count, newlyBanned } = this.#strikes.add(id);
    const peer = this.#peers.get(id);
    if (peer) peer.badPieces = count;
    if (!newlyBanned) return;
    this.#picker?.removePeer(id);
    if (peer) {
      peer.banned = true;
      peer.inflight.clear();
    }
    this.events.emit("peer-banned", { peerId: id, badPieces: count });
    this.#fillAll();
  }

  #onReject(peer: SwarmPeer, f: FrameOf<"reject">): void {
    if (f.piece === MANIFEST_PIECE) {
      if (this.#manifestFetch.abandon(peer.link.peerId)) this.#manifestFetch.next(this.#peers.values());
      return;
    }
    if (!isBlockOffset(f.offset) || !peer.inflight.delete(blockKey(f.piece, f.offset))) return;
    this.#picker?.release(peer.link.peerId, f.piece, f.offset);
    if (f.reason === REJECT_REASON.overloaded) peer.window.timedOut();
    this.#fillAll(peer); // the others first, so the released block goes elsewhere
  }

  async #checkComplete(): Promise<void> {
    if (!this.store?.verified.complete || this.#completeSignalled) return;
    this.#completeSignalled = true;
    try {
      await this.store.finish();
    } catch (e) {
      this.events.emit("error", storageError(e));
      return;
    }
    this.#publish();
    this.events.emit("complete", this.#progress.get());
  }

  #tick(): void {
    const now = Date.now();
    const timeout = this.#opts.requestTimeoutMs ?? 20_000;
    for (const peer of this.#peers.values()) {
      peer.window.update(peer.down.rate());
      for (const [k, r] of peer.inflight) {
        if (now - r.at < timeout) continue;
        peer.inflight.delete(k);
        this.#picker?.release(peer.link.peerId, r.piece, r.offset);
        peer.window.timedOut();
      }
      this.#fill(peer);
    }
    this.#manifestFetch.tick(now, this.#peers.values());
    this.#publish();
  }

  // ---- progress ---------------------------------------------------------------------------------------------

  #snapshot(): FileProgress {
    return snapshotProgress({
      root: this.rootHex,
      manifest: this.manifest,
      verified: this.store?.verified ?? null,
      closed: this.#closed,
      badPieces: this.#badPieces,
      down: this.#down,
      up: this.#up,
      peers: this.#peers.values(),
    });
  }

  /** Progress at most every 100 ms while blocks flow. */
  #schedulePublish(): void {
    if (this.#publishTimer) return;
    this.#publishTimer = setTimeout(() => {
      this.#publishTimer = null;
      if (this.#closed) return;
      for (const p of this.#peers.values()) {
        p.window.update(p.down.rate());
        this.#topUp(p);
      }
      this.#publish();
    }, 100);
  }

  #publish(): void {
    const snap = this.#snapshot();
    this.#progress.set(snap);
    this.events.emit("progress", snap);
  }
}
