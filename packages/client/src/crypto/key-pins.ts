/**
 * Trust on first use: the first public key seen from a peer is pinned; a different key later is refused.
 * Nonces already seen from a peer are refused too (a replayed offer or answer).
 */
export class KeyPins {
  readonly #keys = new Map<string, string>();
  readonly #nonces = new Map<string, Set<string>>();

  /** `ok`, or why the key or nonce is refused. Records both when accepted. */
  check(peerId: string, publicKey: string, nonce: string): "ok" | "key_changed" | "replayed" {
    const pinned = this.#keys.get(peerId);
    if (pinned !== undefined && pinned !== publicKey) return "key_changed";
    const seen = this.#nonces.get(peerId) ?? new Set<string>();
    if (seen.has(nonce)) return "replayed";
    this.#keys.set(peerId, publicKey);
    seen.add(nonce);
    if (seen.size > 1024) seen.delete(seen.values().next().value as string);
    this.#nonces.set(peerId, seen);
    return "ok";
  }

  /** Moves a pin to the peer's new session id (it rejoined under a new id). */
  rename(oldId: string, newId: string): void {
    const key = this.#keys.get(oldId);
    if (key !== undefined && !this.#keys.has(newId)) this.#keys.set(newId, key);
  }
}
