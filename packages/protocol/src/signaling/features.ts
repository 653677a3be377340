/**
 * Protocol features a client asks for when it opens the signaling WebSocket: the query parameter `features`
 * on the URL, a comma-separated list of names (`ws://host/ws?features=peer-joined-offer`). A server that does
 * not know a name (or the parameter: older servers ignore the query) behaves as for a client without it, so a
 * client must accept both behaviours; a server never sends a feature's messages to a client that did not ask.
 */
export const FEATURES_PARAM = "features";

/**
 * `peer.joined` may carry the newcomer's join-carried offer (`offer`) in place of the `signal` that would
 * follow it: one frame instead of two. A client that asks must treat that `offer` as a `signal` from the
 * newcomer, after the `peer.joined`.
 */
export const FEATURE_PEER_JOINED_OFFER = "peer-joined-offer";

/** The features `url` asks for (its `features` query parameter, split on commas, empty names dropped). */
export function requestedFeatures(url: string): Set<string> {
  const q = url.indexOf("?");
  const out = new Set<string>();
  if (q < 0) return out;
  for (const [k, v] of new URLSearchParams(url.slice(q + 1).split("#")[0])) {
    if (k !== FEATURES_PARAM) continue;
    for (const name of v.split(",")) if (name.trim() !== "") out.add(name.trim());
  }
  return out;
}

/** `url` with `features` added to its query (after any parameters it already has). */
export function withFeatures(url: string, features: readonly string[]): string {
  if (features.length === 0) return url;
  const hash = url.indexOf("#");
  const base = hash < 0 ? url : url.slice(0, hash);
  const sep = base.includes("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
  return `${base}${sep}${FEATURES_PARAM}=${features.map(encodeURIComponent).join(",")}${hash < 0 ? "" : url.slice(hash)}`;
}
