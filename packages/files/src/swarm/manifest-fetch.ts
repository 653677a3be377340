import { WireError } from "../errors.js";
import type { FrameOf } from "../wire/frames.js";
import type { PeerLink } from "./peer-link.js";

export const MANIFEST_TIMEOUT_MS = 15_000;

/**
 * Fetching a manifest from peers when we have only the root: asks one peer at a time, in chunks that must come
 * in order; a peer that refuses, leaves or stalls is passed over for the next. Checking the bytes against the
 * root is the caller's job (`onBytes`).
 */
export class ManifestFetch {
  readonly #root: Uint8Array;
  readonly #onBytes: (peerId: string, bytes: Uint8Array) => void;
  #current: { peerId: string; bytes: Uint8Array | null; got: number; at: number } | null = null;
  readonly #tried = new Set<string>();
  #done = false;

  constructor(root: Uint8Array, onBytes: (peerId: string, bytes: Uint8Array) => void) {
    this.#root = root;
    this.#onBytes = onBytes;
  }

  /** The manifest is known: stop asking. */
  finish(): void {
    this.#done = true;
    this.#current = null;
  }

  /** Asks the first candidate not tried yet, unless a fetch is under way. */
  next(candidates: Iterable<{ link: PeerLink; banned: boolean }>): void {
    if (this.#done || this.#current) return;
    for (const p of candidates) {
      if (p.banned || this.#tried.has(p.link.peerId) || p.link.closed) continue;
      this.#tried.add(p.link.peerId);
      this.#current = { peerId: p.link.peerId, bytes: null, got: 0, at: Date.now() };
      p.link.send({ type: "manifest-request", root: this.#root });
      return;
    }
  }

  /** A peer may have learnt the manifest since it refused us: it may be asked again. */
  retry(peerId: string): void {
    this.#tried.delete(peerId);
  }

  /** The peer we asked refused, left, or sent a manifest that failed its check: the fetch is over. */
  abandon(peerId: string): boolean {
    if (this.#current?.peerId !== peerId) return false;
    this.#current = null;
    return true;
  }

  /** A chunk; throws WireError when it breaks the order. */
  onChunk(peerId: string, f: FrameOf<"manifest-reply">): void {
    const cur = this.#current;
    if (this.#done || !cur || cur.peerId !== peerId) return;
    cur.bytes ??= new Uint8Array(f.total);
    if (f.total !== cur.bytes.length || f.offset !== cur.got) {
      throw new WireError("frame_malformed", "manifest chunks out of order");
    }
    cur.bytes.set(f.data, f.offset);
    cur.got += f.data.length;
    if (cur.got === f.total) this.#onBytes(peerId, cur.bytes);
  }

  /** Once a second: a stalled fetch moves on to the next peer; once everyone was tried, all may be asked again. */
  tick(now: number, candidates: Iterable<{ link: PeerLink; banned: boolean }>): void {
    if (this.#done) return;
    if (this.#current && now - this.#current.at > MANIFEST_TIMEOUT_MS) {
      this.#current = null;
      this.next(candidates);
    }
    if (!this.#current && this.#tried.size > 0) this.#tried.clear();
  }
}
