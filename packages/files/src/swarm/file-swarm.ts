import { Bitfield } from "../bitfield.js";
import { bytesEqual, toHex } from "../bytes.js";
import { Emitter } from "../emitter.js";
import { FilesError, WireError } from "../errors.js";
import { sha256 } from "../hash.js";
import { decodeManifest, encodeManifest, type Manifest } from "../manifest.js";
import { BLOCK_SIZE, pieceCountFor, pieceLength } from "../piece-size.js";
import { RateMeter } from "../rate-meter.js";
import { writable, type Readable } from "../readable.js";
import type { PieceStore, PieceStoreFactory } from "../storage/piece-store.js";
import {
  MANIFEST_CHUNK_BYTES,
  MANIFEST_PIECE,
  MAX_BATCH_REQUESTS,
  REJECT_REASON,
  type BlockRef,
  type Frame,
  type FrameOf,
} from "../wire/frames.js";
import type { PeerLink } from "./peer-link.js";
import { PiecePicker } from "./piece-picker.js";
import { estimateEta, type FileProgress, type FileState, type PeerProgress } from "./progress.js";
import { RequestWindow } from "./request-window.js";
import { blameBlocks, type PieceBuffer } from "./piece-buffer.js";

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
}

interface SwarmPeer {
  readonly link: PeerLink;
  has: Bitfield | null;
  /** Haves (and a bitfield) that came before we knew the manifest. */
  early: { bits: FrameOf<"bitfield"> | null; haves: number[] };
  readonly inflight: Map<string, { piece: number; offset: number; at: number }>;
  readonly window: RequestWindow;
  readonly down: RateMeter;
  readonly up: RateMeter;
  piecesContributed: number;
  badPieces: number;
  banned: boolean;
}

const MANIFEST_TIMEOUT_MS = 15_000;
/** Whole pieces kept for serving (recently read first out last). */
const READ_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * One file's swarm: the peers that hold or want it, what we asked of whom, verification, serving, progress.
 * Frames reach it through FileShare, which owns the channels.
 */
export class FileSwarm {
  readonly root: Uint8Array;
  readonly rootHex: string;
  readonly events = new Emitter<SwarmEvents>();
  manifest: Manifest | null = null;
  store: PieceStore | null = null;
  readonly #opts: FileSwarmOptions;
  readonly #peers = new Map<string, SwarmPeer>();
  readonly #bannedIds = new Set<string>();
  readonly #strikes = new Map<string, number>();
  readonly #buffers = new Map<number, PieceBuffer>();
  readonly #suspects = new Map<number, PieceBuffer>();
  readonly #readCache = new Map<number, Promise<Uint8Array>>();
  readonly #progress;
  readonly #down = new RateMeter();
  readonly #up = new RateMeter();
  #picker: PiecePicker | null = null;
  #manifestFetch: { peerId: string; bytes: Uint8Array | null; got: number; at: number } | null = null;
  #manifestTried = new Set<string>();
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
    const peer: SwarmPeer = {
      link,
      has: null,
      early: { bits: null, haves: [] },
      inflight: new Map(),
      window: new RequestWindow(),
      down: new RateMeter(),
      up: new RateMeter(),
      piecesContributed: 0,
      badPieces: this.#strikes.get(link.peerId) ?? 0,
      banned: this.#bannedIds.has(link.peerId),
    };
    this.#peers.set(link.peerId, peer);
    if (this.store) this.#sendBitfield(peer);
    else this.#fetchManifest();
    this.#publish();
  }

  /** The peer re-announced the file (it may have learnt the manifest since it last refused us). */
  peerAnnounced(peerId: string): void {
    this.#manifestTried.delete(peerId);
    this.#fetchManifest();
  }

  removePeer(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    this.#peers.delete(peerId);
    this.#picker?.removePeer(peerId);
    if (this.#manifestFetch?.peerId === peerId) {
      this.#manifestFetch = null;
      this.#fetchManifest();
    }
    for (const p of this.#peers.values()) this.#fill(p);
    this.#publish();
  }

  /** A frame for this file from a peer. Throws WireError when the frame breaks the protocol (the link closes). */
  onFrame(link: PeerLink, f: Frame): void {
    const peer = this.#peers.get(link.peerId);
    if (!peer || peer.banned || this.#closed) return;
    switch (f.type) {
      case "manifest-reply":
        return this.#onManifestChunk(peer, f);
      case "bitfield":
        return this.#onBitfield(peer, f);
      case "have":
        return this.#onHave(peer, f.piece);
      case "block":
        return this.#onBlock(peer, f);
      case "reject":
        return this.#onReject(peer, f);
      default:
        return;
    }
  }

  /** Whether we can serve a request right now; a reject reason otherwise. */
  checkRequest(peerId: string, req: BlockRef): number | null {
    const m = this.manifest;
    if (!m || !this.store) return REJECT_REASON.unknownFile;
    if (this.#peers.get(peerId)?.banned) return REJECT_REASON.notHeld;
    if (req.piece >= pieceCountFor(m.size, m.pieceSize)) return REJECT_REASON.outOfRange;
    if (req.offset + req.length > pieceLength(m.size, m.pieceSize, req.piece))
      return REJECT_REASON.outOfRange;
    if (!this.store.verified.has(req.piece)) return REJECT_REASON.notHeld;
    return null;
  }

  /** Reads one block and sends it; resolves when the channel accepted it. */
  async serveBlock(link: PeerLink, req: BlockRef): Promise<void> {
    if (!this.store || this.checkRequest(link.peerId, req) !== null) return;
    const piece = await this.#servePiece(req.piece);
    const data = piece.subarray(req.offset, req.offset + req.length);
    if (
      await link.sendBlock({ type: "block", root: this.root, piece: req.piece, offset: req.offset, data })
    ) {
      this.#up.add(data.length);
      this.#peers.get(link.peerId)?.up.add(data.length);
      this.#schedulePublish();
    }
  }

  /** Pieces are read whole and kept in a small cache: requests come block by block for the same pieces. */
  #servePiece(piece: number): Promise<Uint8Array> {
    const hit = this.#readCache.get(piece);
    if (hit) {
      this.#readCache.delete(piece);
      this.#readCache.set(piece, hit);
      return hit;
    }
    const m = this.manifest!;
    const read = this.store!.read(piece * m.pieceSize, pieceLength(m.size, m.pieceSize, piece));
    this.#readCache.set(piece, read);
    read.catch(() => this.#readCache.delete(piece));
    while (this.#readCache.size * m.pieceSize > READ_CACHE_BYTES && this.#readCache.size > 1) {
      this.#readCache.delete(this.#readCache.keys().next().value!);
    }
    return read;
  }

  /** Serves a manifest request (the caller checked the root). */
  sendManifest(link: PeerLink): void {
    if (!this.manifest) {
      link.send({
        type: "reject",
        root: this.root,
        piece: MANIFEST_PIECE,
        offset: 0,
        length: 0,
        reason: REJECT_REASON.unknownFile,
      });
      return;
    }
    const bytes = encodeManifest(this.manifest);
    for (let at = 0; at < bytes.length || at === 0; at += MANIFEST_CHUNK_BYTES) {
      const data = bytes.subarray(at, at + MANIFEST_CHUNK_BYTES);
      link.send({ type: "manifest-reply", root: this.root, total: bytes.length, offset: at, data });
      if (bytes.length === 0) break;
    }
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

  #fetchManifest(): void {
    if (this.manifest || this.#manifestFetch || this.#closed) return;
    const candidates = [...this.#peers.values()].filter(
      (p) => !p.banned && !this.#manifestTried.has(p.link.peerId),
    );
    const peer = candidates[0];
    if (!peer) return;
    this.#manifestTried.add(peer.link.peerId);
    this.#manifestFetch = { peerId: peer.link.peerId, bytes: null, got: 0, at: Date.now() };
    peer.link.send({ type: "manifest-request", root: this.root });
  }

  #onManifestChunk(peer: SwarmPeer, f: FrameOf<"manifest-reply">): void {
    const fetch = this.#manifestFetch;
    if (!fetch || fetch.peerId !== peer.link.peerId) return;
    fetch.bytes ??= new Uint8Array(f.total);
    if (f.total !== fetch.bytes.length || f.offset !== fetch.got) {
      throw new WireError("frame_malformed", "manifest chunks out of order");
    }
    fetch.bytes.set(f.data, f.offset);
    fetch.got += f.data.length;
    if (fetch.got === f.total) void this.#openManifest(peer, fetch.bytes);
  }

  async #openManifest(peer: SwarmPeer, bytes: Uint8Array): Promise<void> {
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
        this.#manifestFetch = null;
        this.#strike(peer.link.peerId); // a peer that lies about a manifest is a liar for this file
        this.#fetchManifest();
      } else {
        this.events.emit("error", e instanceof FilesError ? e : new FilesError("storage_failed", String(e)));
      }
    }
  }

  #useManifest(manifest: Manifest, store: PieceStore): void {
    this.manifest = manifest;
    this.store = store;
    this.#manifestFetch = null;
    const count = pieceCountFor(manifest.size, manifest.pieceSize);
    this.#picker = new PiecePicker({
      pieceCount: count,
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
    if (!this.#picker) return void (peer.early.haves.length < 1 << 16 && peer.early.haves.push(piece));
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

  #fill(peer: SwarmPeer): void {
    if (!this.#picker || peer.banned || !peer.has || this.#closed || peer.link.closed) return;
    const room = peer.window.limit - peer.inflight.size;
    if (room <= 0) return;
    const spans = this.#picker.pick(peer.link.peerId, Math.min(room, MAX_BATCH_REQUESTS));
    const now = Date.now();
    for (const s of spans)
      peer.inflight.set(`${s.piece}:${s.offset}`, { piece: s.piece, offset: s.offset, at: now });
    // One frame for the batch: far fewer messages on the channel than one per 16 KiB block.
    if (spans.length === 1) peer.link.send({ type: "request", root: this.root, ...spans[0] });
    else if (spans.length > 1) peer.link.send({ type: "requests", root: this.root, spans });
  }

  #onBlock(peer: SwarmPeer, f: FrameOf<"block">): void {
    const m = this.manifest;
    if (!m || !this.#picker) return;
    const count = this.#picker.have.length;
    if (f.piece >= count) throw new WireError("frame_malformed", "block beyond the file");
    const len = pieceLength(m.size, m.pieceSize, f.piece);
    if (
      f.offset + f.data.length > len ||
      (f.data.length !== BLOCK_SIZE && f.offset + f.data.length !== len)
    ) {
      throw new WireError("frame_malformed", "block length does not fit the piece");
    }
    const k = `${f.piece}:${f.offset}`;
    if (!peer.inflight.delete(k)) return; // not asked of this peer (or cancelled): ignore
    peer.down.add(f.data.length);
    this.#down.add(f.data.length);
    const r = this.#picker.blockReceived(peer.link.peerId, f.piece, f.offset);
    for (const c of r.cancel) {
      const other = this.#peers.get(c.peer);
      if (other?.inflight.delete(`${c.span.piece}:${c.span.offset}`)) {
        other.link.send({ type: "cancel", root: this.root, ...c.span });
      }
    }
    if (r.accepted) {
      let buf = this.#buffers.get(f.piece);
      if (!buf) {
        buf = { data: new Uint8Array(len), from: new Array<string>(Math.ceil(len / BLOCK_SIZE)).fill("") };
        this.#buffers.set(f.piece, buf);
      }
      buf.data.set(f.data, f.offset);
      buf.from[f.offset / BLOCK_SIZE] = peer.link.peerId;
      if (r.pieceDone) void this.#verify(f.piece, buf);
    }
    this.#schedulePublish();
    // Refill in batches (a quarter of the window at a time), not one request per block.
    if (peer.inflight.size <= (peer.window.limit * 3) >> 2) this.#fill(peer);
  }

  async #verify(piece: number, buf: PieceBuffer): Promise<void> {
    this.#buffers.delete(piece);
    const ok = bytesEqual(await sha256(buf.data), this.manifest!.pieceHashes[piece]);
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
        this.events.emit("error", e instanceof FilesError ? e : new FilesError("storage_failed", String(e)));
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
      this.events.emit("piece-verified", { piece, from });
      for (const p of this.#peers.values())
        if (!p.banned) p.link.send({ type: "have", root: this.root, piece });
      await this.#checkComplete();
      this.#publish();
    }
    for (const p of this.#peers.values()) this.#fill(p);
  }

  /** One more bad piece (or manifest) from this peer; past the limit it is dropped for this file. */
  #strike(id: string): void {
    const count = (this.#strikes.get(id) ?? 0) + 1;
    this.#strikes.set(id, count);
    const peer = this.#peers.get(id);
    if (peer) peer.badPieces = count;
    if (count < (this.#opts.maxBadPieces ?? 2) || this.#bannedIds.has(id)) return;
    this.#bannedIds.add(id);
    this.#picker?.removePeer(id);
    if (peer) {
      peer.banned = true;
      peer.inflight.clear();
    }
    this.events.emit("peer-banned", { peerId: id, badPieces: count });
    for (const p of this.#peers.values()) this.#fill(p);
  }

  #onReject(peer: SwarmPeer, f: FrameOf<"reject">): void {
    if (f.piece === MANIFEST_PIECE) {
      if (this.#manifestFetch?.peerId === peer.link.peerId) {
        this.#manifestFetch = null;
        this.#fetchManifest();
      }
      return;
    }
    if (!peer.inflight.delete(`${f.piece}:${f.offset}`)) return;
    this.#picker?.release(peer.link.peerId, f.piece, f.offset);
    if (f.reason === REJECT_REASON.overloaded) peer.window.timedOut();
    // Fill the others first so the released block goes elsewhere.
    for (const p of this.#peers.values()) if (p !== peer) this.#fill(p);
  }

  async #checkComplete(): Promise<void> {
    if (!this.store?.verified.complete || this.#completeSignalled) return;
    this.#completeSignalled = true;
    try {
      await this.store.finish();
    } catch (e) {
      this.events.emit("error", e instanceof FilesError ? e : new FilesError("storage_failed", String(e)));
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
    if (this.#manifestFetch && now - this.#manifestFetch.at > MANIFEST_TIMEOUT_MS) {
      this.#manifestFetch = null;
      this.#fetchManifest();
    }
    if (!this.manifest && !this.#manifestFetch && this.#manifestTried.size > 0) this.#manifestTried.clear();
    this.#publish();
  }

  // ---- progress ---------------------------------------------------------------------------------------------

  #state(): FileState {
    if (this.#closed) return "closed";
    if (!this.manifest) return "fetching-manifest";
    return this.complete ? "seeding" : "downloading";
  }

  #snapshot(): FileProgress {
    const m = this.manifest;
    const verified = this.store?.verified;
    let bytesVerified = 0;
    if (m && verified) {
      bytesVerified = verified.count * m.pieceSize;
      const last = verified.length - 1;
      if (verified.has(last)) bytesVerified -= m.pieceSize - pieceLength(m.size, m.pieceSize, last);
    }
    const downloadRate = this.#down.rate();
    const peers: PeerProgress[] = [...this.#peers.values()].map((p) => ({
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
    return {
      root: this.rootHex,
      name: m?.name ?? null,
      size: m?.size ?? null,
      pieceCount: verified?.length ?? null,
      state: this.#state(),
      complete: this.complete,
      piecesVerified: verified?.count ?? 0,
      bytesVerified,
      badPieces: this.#badPieces,
      bytesReceived: this.#down.total,
      bytesUploaded: this.#up.total,
      downloadRate,
      uploadRate: this.#up.rate(),
      etaSeconds: m && !this.complete ? estimateEta(m.size - bytesVerified, downloadRate) : null,
      peers,
    };
  }

  /** Progress at most every 100 ms while blocks flow. */
  #schedulePublish(): void {
    if (this.#publishTimer) return;
    this.#publishTimer = setTimeout(() => {
      this.#publishTimer = null;
      if (this.#closed) return;
      for (const p of this.#peers.values()) {
        p.window.update(p.down.rate());
        this.#fill(p);
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
