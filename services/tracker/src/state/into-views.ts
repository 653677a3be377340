/**
 * Views of a caller's `into` buffer from one offset, by length, each made once: nearly every UDP reply's in-place
 * peer list has the same offset and one of a few lengths, and a view costs an allocation of its own. The cache
 * starts over when another buffer or offset comes. A view is, like the bytes under it, valid until the next announce.
 * Lengths above `MAX_CACHED` get a view of their own each time.
 */
const MAX_CACHED = 2048;

export class IntoViews {
  #of: Uint8Array | undefined;
  #at = -1;
  #views: Array<Uint8Array | undefined> = [];

  get(into: Uint8Array, at: number, end: number): Uint8Array {
    if (into !== this.#of || at !== this.#at) {
      this.#of = into;
      this.#at = at;
      this.#views = new Array<Uint8Array | undefined>(MAX_CACHED + 1).fill(undefined);
    }
    if (end - at > MAX_CACHED) return into.subarray(at, end);
    let view = this.#views[end - at];
    if (view === undefined) {
      view = into.subarray(at, end);
      this.#views[end - at] = view;
    }
    return view;
  }
}
