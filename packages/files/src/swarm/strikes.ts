/**
 * Bad pieces (or lying manifests) per peer for one file; at `limit` the peer is banned for that file. Kept by peer
 * id, so a peer that reconnects keeps its record.
 */
export class Strikes {
  readonly #limit: number;
  readonly #counts = new Map<string, number>();
  readonly #banned = new Set<string>();

  constructor(limit = 2) {
    this.#limit = limit;
  }

  count(peerId: string): number {
    return this.#counts.get(peerId) ?? 0;
  }

  banned(peerId: string): boolean {
    return this.#banned.has(peerId);
  }

  /** One more strike; returns the new count and whether this strike banned the peer. */
  add(peerId: string): { count: number; newlyBanned: boolean } {
    const count = this.count(peerId) + 1;
    this.#counts.set(peerId, count);
    if (count < this.#limit || this.#banned.has(peerId)) return { count, newlyBanned: false };
    this.#banned.add(peerId);
    return { count, newlyBanned: true };
  }
}
