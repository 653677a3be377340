import { toHex } from "./bytes.js";
import { Emitter } from "./emitter.js";
import type { WireError } from "./errors.js";
import type { PieceHasher } from "./hash.js";
import type { Manifest } from "./manifest.js";
import type { PeerChannel } from "./peer-channel.js";
import { BLOCK_SIZE } from "./piece-size.js";
import { writable, type Readable } from "./readable.js";
import type { PieceStore, PieceStoreFactory } from "./storage/piece-store.js";
import { FileSwarm } from "./swarm/file-swarm.js";
import { PeerLink } from "./swarm/peer-link.js";
import { TokenBucket, UploadQueue } from "./swarm/upload-queue.js";
import {
  CAPABILITY_BLOCKS,
  MANIFEST_PIECE,
  MAX_BLOCKS_PER_FRAME,
  MAX_CATALOGUE_ENTRIES,
  MAX_HANDSHAKE_ROOTS,
  REJECT_REASON,
  type BlockRef,
  type CatalogueEntry,
  type Frame,
  type RejectReason,
} from "./wire/frames.js";

/** A file some peer in the meeting offers. */
export interface OfferedFile {
  readonly root: string;
  readonly name: string;
  readonly size: number;
  readonly peers: readonly string[];
}

export interface FileShareEvents extends Record<string, unknown> {
  "peer-connected": { peerId: string };
  "peer-disconnected": { peerId: string };
  /** A peer broke the protocol; its channel was closed. */
  "peer-error": { peerId: string; error: WireError };
  swarm: FileSwarm;
}

export interface FileShareOptions {
  /** Cap on our total upload rate, bytes per second. */
  readonly uploadBytesPerSecond?: number;
  /** Block requests queued for one peer at once; more are rejected as overloaded. Default 256. */
  readonly maxQueuedRequests?: number;
  readonly requestTimeoutMs?: number;
  readonly maxBadPieces?: number;
  readonly random?: () => number;
  /** SHA-256 of received pieces (default: WebCrypto; in Node pass `new WorkerHasher().hash` to hash off-thread). */
  readonly hashPiece?: PieceHasher;
}

interface Remote {
  readonly link: PeerLink;
  readonly uploads: UploadQueue;
  roots: Set<string>;
  offered: readonly CatalogueEntry[];
  /** The peer listed CAPABILITY_BLOCKS in its handshake: blocks go to it up to MAX_BLOCKS_PER_FRAME a frame. */
  blocksFrames: boolean;
}

const CAPABILITY_BLOCKS_HEX = toHex(CAPABILITY_BLOCKS);
/** Header bytes of a `blocks` frame: version, type, root, count, then per block piece, offset and length. */
const blocksFrameBytes = (n: number): number => 2 + 32 + 1 + n * (12 + BLOCK_SIZE);

/**
 * File sharing for one client: owns the peers' `switchboard-files` channels, announces what we offer, routes
 * frames to each file's swarm, and serves block requests fairly (a bounded queue per peer).
 *
 * @example
 * const share = new FileShare();
 * client.onChannel(FILES_CHANNEL_LABEL, (ch) => share.addChannel(ch));
 * const swarm = share.download(parseShareLink(link).root, (m) => NodeFileStore.open(dir, m));
 * await swarm.whenComplete();
 */
export class FileShare {
  readonly events = new Emitter<FileShareEvents>();
  readonly #opts: FileShareOptions;
  readonly #remotes = new Map<string, Remote>();
  readonly #swarms = new Map<string, FileSwarm>();
  readonly #catalogue = writable<readonly OfferedFile[]>([]);
  readonly #bucket: TokenBucket | null;

  constructor(opts: FileShareOptions = {}) {
    this.#opts = opts;
    this.#bucket = opts.uploadBytesPerSecond ? new TokenBucket(opts.uploadBytesPerSecond) : null;
  }

  /** Files on offer from the peers we are connected to. */
  get catalogue(): Readable<readonly OfferedFile[]> {
    return this.#catalogue;
  }

  get swarms(): readonly FileSwarm[] {
    return [...this.#swarms.values()];
  }

  /** Takes over a peer's files channel (one per peer; a newer one replaces the old). */
  addChannel(ch: PeerChannel): void {
    this.#remotes.get(ch.peerId)?.link.close();
    const link = new PeerLink(ch, {
      onFrame: (l, f) => this.#onFrame(l, f),
      onClose: (l, error) => this.#onClose(l, error),
    });
    // Blocks per frame for this peer: 1 until it says it reads `blocks` frames, then as many as fit a message.
    let fit = 1;
    while (fit < MAX_BLOCKS_PER_FRAME && blocksFrameBytes(fit + 1) <= ch.maxMessageSize) fit++;
    const uploads = new UploadQueue({
      maxQueued: this.#opts.maxQueuedRequests ?? 256,
      maxBatch: () => (remote.blocksFrames ? fit : 1),
      serve: async (reqs) => {
        const swarm = this.#swarms.get(toHex(reqs[0].root));
        if (!swarm) return;
        // (Uncapped: no await here, one promise hop less per frame.)
        if (this.#bucket) await this.#bucket.take(reqs.reduce((n, r) => n + r.length, 0));
        await swarm.serveBlocks(link, reqs);
      },
    });
    const remote: Remote = { link, uploads, roots: new Set(), offered: [], blocksFrames: false };
    this.#remotes.set(ch.peerId, remote);
    this.#announce(link);
    this.events.emit("peer-connected", { peerId: ch.peerId });
  }

  /** Offers a file we hold whole (or partly: the store's `verified` says which pieces). */
  seed(manifest: Manifest, store: PieceStore): FileSwarm {
    const existing = this.#swarms.get(toHex(manifest.root));
    if (existing) return existing;
    return this.#addSwarm(new FileSwarm({ root: manifest.root, manifest, store, ...this.#swarmOpts() }));
  }

  /** Fetches the file named by `root` from the peers that hold it; storage opens once the manifest is known. */
  download(root: Uint8Array, openStore: PieceStoreFactory): FileSwarm {
    const existing = this.#swarms.get(toHex(root));
    if (existing) return existing;
    const swarm = this.#addSwarm(new FileSwarm({ root, openStore, ...this.#swarmOpts() }));
    swarm.events.on("manifest", () => this.#announceAll());
    return swarm;
  }

  /** Stops one file: its swarm closes and peers are told our new list. */
  async remove(root: Uint8Array): Promise<void> {
    const hex = toHex(root);
    const swarm = this.#swarms.get(hex);
    if (!swarm) return;
    this.#swarms.delete(hex);
    for (const r of this.#remotes.values()) r.uploads.drop((q) => toHex(q.root) === hex);
    await swarm.close();
    this.#announceAll();
  }

  async close(): Promise<void> {
    for (const r of this.#remotes.values()) {
      r.uploads.close();
      r.link.close();
    }
    await Promise.all([...this.#swarms.values()].map((s) => s.close()));
    this.#swarms.clear();
  }

  #swarmOpts(): object {
    const o = this.#opts;
    return {
      ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
      ...(o.maxBadPieces ? { maxBadPieces: o.maxBadPieces } : {}),
      ...(o.random ? { random: o.random } : {}),
      ...(o.hashPiece ? { hashPiece: o.hashPiece } : {}),
    };
  }

  #addSwarm(swarm: FileSwarm): FileSwarm {
    this.#swarms.set(swarm.rootHex, swarm);
    this.events.emit("swarm", swarm);
    this.#announceAll();
    for (const r of this.#remotes.values()) if (r.roots.has(swarm.rootHex)) swarm.addPeer(r.link);
    return swarm;
  }

  #announceAll(): void {
    for (const r of this.#remotes.values()) this.#announce(r.link);
  }

  /** Handshake (every root we hold or want) and catalogue (the files we can describe). */
  #announce(link: PeerLink): void {
    const swarms = [...this.#swarms.values()];
    const roots = swarms.slice(0, MAX_HANDSHAKE_ROOTS - 1).map((s) => s.root);
    link.send({ type: "handshake", roots: [...roots, CAPABILITY_BLOCKS] });
    const files = swarms
      .filter((s) => s.manifest)
      .slice(0, MAX_CATALOGUE_ENTRIES)
      .map((s) => ({ root: s.root, name: s.manifest!.name, size: s.manifest!.size }));
    link.send({ type: "catalogue", files });
  }

  #onFrame(link: PeerLink, f: Frame): void {
    const remote = this.#remotes.get(link.peerId);
    if (!remote || remote.link !== link) return;
    if (f.type === "handshake") {
      remote.roots = new Set(f.roots.map(toHex));
      remote.blocksFrames = remote.roots.delete(CAPABILITY_BLOCKS_HEX);
      for (const hex of remote.roots) {
        const swarm = this.#swarms.get(hex);
        swarm?.addPeer(link);
        swarm?.peerAnnounced(link.peerId);
      }
      return;
    }
    if (f.type === "catalogue") {
      remote.offered = f.files;
      return this.#publishCatalogue();
    }
    const swarm = this.#swarms.get(toHex(f.root));
    switch (f.type) {
      case "manifest-request":
        if (swarm) swarm.sendManifest(link);
        else
          link.send({
            type: "reject",
            root: f.root,
            piece: MANIFEST_PIECE,
            offset: 0,
            length: 0,
            reason: REJECT_REASON.unknownFile,
          });
        return;
      case "request":
        return this.#onRequest(remote, swarm, f);
      case "requests":
        for (const span of f.spans) this.#onRequest(remote, swarm, { root: f.root, ...span });
        return;
      case "cancel":
        return remote.uploads.cancel(f);
      case "bitfield":
      case "have":
        // A peer tells what it holds of a file only to peers whose handshake named it: it is in this file's swarm
        // even if its own handshake never reached us (a lost first frame would otherwise leave both sides waiting).
        if (swarm && !remote.roots.has(swarm.rootHex)) {
          remote.roots.add(swarm.rootHex);
          swarm.addPeer(link);
        }
        return swarm?.onFrame(link, f);
      default:
        swarm?.onFrame(link, f);
    }
  }

  /** Queues a block request, or refuses it (unknown file, not held, out of range, over the peer's cap). */
  #onRequest(remote: Remote, swarm: FileSwarm | undefined, req: BlockRef): void {
    const reason = swarm ? swarm.checkRequest(remote.link.peerId, req) : REJECT_REASON.unknownFile;
    const refused = reason ?? (remote.uploads.push(req) ? null : REJECT_REASON.overloaded);
    if (refused !== null) remote.link.send({ ...req, type: "reject", reason: refused as RejectReason });
    else swarm?.prefetch(req);
  }

  #onClose(link: PeerLink, error: WireError | null): void {
    const remote = this.#remotes.get(link.peerId);
    if (!remote || remote.link !== link) return;
    this.#remotes.delete(link.peerId);
    remote.uploads.close();
    for (const s of this.#swarms.values()) s.removePeer(link.peerId);
    if (error) this.events.emit("peer-error", { peerId: link.peerId, error });
    this.events.emit("peer-disconnected", { peerId: link.peerId });
    this.#publishCatalogue();
  }

  #publishCatalogue(): void {
    const byRoot = new Map<string, { name: string; size: number; peers: string[] }>();
    for (const [peerId, r] of this.#remotes) {
      for (const e of r.offered) {
        const hex = toHex(e.root);
        const entry = byRoot.get(hex) ?? { name: e.name, size: e.size, peers: [] };
        entry.peers.push(peerId);
        byRoot.set(hex, entry);
      }
    }
    this.#catalogue.set([...byRoot].map(([root, e]) => ({ root, ...e })));
  }
}
