import type { Bitfield } from "../bitfield.js";
import { BLOCK_SIZE } from "../piece-size.js";

/** One block to ask a peer for. */
export interface BlockSpan {
  readonly piece: number;
  readonly offset: number;
  readonly length: number;
}

interface ActivePiece {
  readonly blocks: number;
  readonly received: Uint8Array;
  readonly requesters: Set<string>[];
  receivedCount: number;
  /** After a hash failure the piece is refetched whole from one peer, so blame is unambiguous. */
  exclusive: boolean;
  owner: string | null;
}

const NO_CANCELS: readonly { peer: string; span: BlockSpan }[] = Object.freeze([]);

export interface PickerOptions {
  readonly pieceCount: number;
  readonly pieceLength: (index: number) => number;
  readonly have: Bitfield;
  /** [0, 1); injectable for tests. */
  readonly random?: () => number;
  /** In endgame a block may be requested from at most this many peers at once. */
  readonly endgameCopies?: number;
}

/**
 * Decides which blocks to request from which peer. Pure state, no I/O: rarest first with a random tie-break,
 * finishing started pieces first, endgame duplicates once every missing block is requested, avoidance of peers
 * that delivered a piece that failed its hash.
 */
export class PiecePicker {
  readonly have: Bitfield;
  readonly #opts: PickerOptions;
  readonly #availability: Uint32Array;
  readonly #peers = new Map<string, Bitfield>();
  readonly #active = new Map<number, ActivePiece>();
  readonly #avoid = new Map<number, Set<string>>();
  readonly #random: () => number;

  constructor(opts: PickerOptions) {
    this.#opts = opts;
    this.have = opts.have;
    this.#availability = new Uint32Array(opts.pieceCount);
    this.#random = opts.random ?? Math.random;
  }

  get complete(): boolean {
    return this.have.complete;
  }

  availability(piece: number): number {
    return this.#availability[piece] ?? 0;
  }

  addPeer(id: string, has: Bitfield): void {
    this.removePeer(id);
    this.#peers.set(id, has);
    for (const i of has.indexes()) this.#availability[i]++;
  }

  peerHave(id: string, piece: number): void {
    const has = this.#peers.get(id);
    if (has?.set(piece)) this.#availability[piece]++;
  }

  peerHas(id: string, piece: number): boolean {
    return this.#peers.get(id)?.has(piece) ?? false;
  }

  /** Forgets a peer: its availability and every block it had been asked for. */
  removePeer(id: string): void {
    const has = this.#peers.get(id);
    if (!has) return;
    for (const i of has.indexes()) this.#availability[i]--;
    this.#peers.delete(id);
    for (const [piece, a] of this.#active) {
      for (const r of a.requesters) r.delete(id);
      if (a.owner === id) a.owner = null;
      this.#dropIfIdle(piece, a);
    }
  }

  /** Up to `max` blocks for this peer, marked as requested from it. */
  pick(id: string, max: number): BlockSpan[] {
    const has = this.#peers.get(id);
    const out: BlockSpan[] = [];
    if (!has || max <= 0) return out;
    // 1. Blocks of pieces already started (finish what is begun), then 2. new pieces, rarest first.
    for (const [piece, a] of this.#active) {
      if (out.length >= max) return out;
      if (has.has(piece) && this.#mayTake(id, piece, a)) this.#takeBlocks(id, piece, a, max, out, false);
    }
    let order: number[] | null = null;
    for (let next = 0; out.length < max; next++) {
      order ??= this.#rarestOrder(id, has); // one scan per pick, not one per piece started
      if (next >= order.length) break;
      const piece = order[next];
      const a = this.#start(piece);
      if (this.#avoid.has(piece)) a.exclusive = true;
      this.#takeBlocks(id, piece, a, max, out, false);
    }
    // 3. Endgame: nothing new to start anywhere, so duplicate blocks others are slow to deliver.
    if (out.length < max && this.#inEndgame()) {
      for (const [piece, a] of this.#active) {
        if (out.length >= max) break;
        if (has.has(piece) && !a.exclusive && !this.#avoid.get(piece)?.has(id)) {
          this.#takeBlocks(id, piece, a, max, out, true);
        }
      }
    }
    return out;
  }

  /** A block arrived. `accepted` is false for blocks we did not ask this peer for or already hold. */
  blockReceived(
    id: string,
    piece: number,
    offset: number,
  ): { accepted: boolean; pieceDone: boolean; cancel: readonly { peer: string; span: BlockSpan }[] } {
    const a = this.#active.get(piece);
    const b = offset / BLOCK_SIZE;
    if (!a || !Number.isInteger(b) || b >= a.blocks || !a.requesters[b].has(id) || a.received[b]) {
      if (a && Number.isInteger(b) && b < a.blocks) a.requesters[b].delete(id);
      return { accepted: false, pieceDone: false, cancel: NO_CANCELS };
    }
    a.received[b] = 1;
    a.receivedCount++;
    const requesters = a.requesters[b];
    // Usually only this peer was asked (no endgame copy): nothing to cancel, nothing to allocate.
    const cancel =
      requesters.size === 1
        ? NO_CANCELS
        : [...requesters].filter((p) => p !== id).map((peer) => ({ peer, span: this.#span(piece, b) }));
    requesters.clear();
    return { accepted: true, pieceDone: a.receivedCount === a.blocks, cancel };
  }

  /** A request that will not be answered (rejected, cancelled, timed out): the block can be asked of others. */
  release(id: string, piece: number, offset: number): void {
    const a = this.#active.get(piece);
    const b = offset / BLOCK_SIZE;
    if (!a || !Number.isInteger(b) || b >= a.blocks) return;
    a.requesters[b].delete(id);
    this.#dropIfIdle(piece, a);
  }

  pieceVerified(piece: number): void {
    this.#active.delete(piece);
    this.#avoid.delete(piece);
    this.have.set(piece);
  }

  /** The piece failed its hash: start it over, avoiding the peers that delivered it while others have it. */
  pieceFailed(piece: number, contributors: Iterable<string>): void {
    this.#active.delete(piece);
    const avoid = this.#avoid.get(piece) ?? new Set<string>();
    for (const p of contributors) avoid.add(p);
    this.#avoid.set(piece, avoid);
  }

  #span(piece: number, block: number): BlockSpan {
    const offset = block * BLOCK_SIZE;
    return { piece, offset, length: Math.min(BLOCK_SIZE, this.#opts.pieceLength(piece) - offset) };
  }

  #start(piece: number): ActivePiece {
    const blocks = Math.ceil(this.#opts.pieceLength(piece) / BLOCK_SIZE);
    const a: ActivePiece = {
      blocks,
      received: new Uint8Array(blocks),
      requesters: Array.from({ length: blocks }, () => new Set<string>()),
      receivedCount: 0,
      exclusive: false,
      owner: null,
    };
    this.#active.set(piece, a);
    return a;
  }

  #mayTake(id: string, piece: number, a: ActivePiece): boolean {
    if (a.exclusive && a.owner !== null && a.owner !== id) return false;
    return !this.#avoided(id, piece);
  }

  /** A peer is avoided for a piece it once delivered badly, unless no one else connected has that piece. */
  #avoided(id: string, piece: number): boolean {
    const avoid = this.#avoid.get(piece);
    if (!avoid?.has(id)) return false;
    for (const [peer, has] of this.#peers) if (!avoid.has(peer) && has.has(piece)) return true;
    return false;
  }

  #takeBlocks(id: string, piece: number, a: ActivePiece, max: number, out: BlockSpan[], dup: boolean): void {
    const copies = this.#opts.endgameCopies ?? 2;
    for (let b = 0; b < a.blocks && out.length < max; b++) {
      if (a.received[b]) continue;
      const r = a.requesters[b];
      if (r.has(id) || (dup ? r.size >= copies : r.size > 0)) continue;
      r.add(id);
      if (a.exclusive) a.owner = id;
      out.push(this.#span(piece, b));
    }
  }

  /** The pieces this peer could start for us, rarest first, ties in random order. */
  #rarestOrder(id: string, has: Bitfield): number[] {
    const byCount = new Map<number, number[]>();
    for (let i = 0; i < has.length; i++) {
      if (!has.has(i) || this.have.has(i) || this.#active.has(i) || this.#avoided(id, i)) continue;
      const n = this.#availability[i];
      const group = byCount.get(n);
      if (group) group.push(i);
      else byCount.set(n, [i]);
    }
    const out: number[] = [];
    for (const n of [...byCount.keys()].sort((a, b) => a - b)) {
      const group = byCount.get(n)!;
      while (group.length > 0) {
        const k = Math.floor(this.#random() * group.length);
        out.push(group[k]);
        group[k] = group[group.length - 1];
        group.pop();
      }
    }
    return out;
  }

  #inEndgame(): boolean {
    if (this.#active.size === 0) return false;
    if (this.have.count + this.#active.size < this.have.length) return false;
    for (const a of this.#active.values()) {
      for (let b = 0; b < a.blocks; b++) if (!a.received[b] && a.requesters[b].size === 0) return false;
    }
    return true;
  }

  #dropIfIdle(piece: number, a: ActivePiece): void {
    if (a.receivedCount > 0) return;
    for (const r of a.requesters) if (r.size > 0) return;
    this.#active.delete(piece);
  }
}
