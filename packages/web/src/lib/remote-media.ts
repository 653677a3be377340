// Remote camera and screen streams per peer, from the SDK's `track` events. Pure bookkeeping (no DOM).

export interface RemoteMedia {
  /** The first stream a peer sent (camera and microphone). */
  readonly camera?: MediaStream;
  /** A later stream (screen share). */
  readonly screen?: MediaStream;
}

export type RemoteMediaMap = ReadonlyMap<string, RemoteMedia>;

/** Adds a stream of a peer: its first is the camera, any other the screen. */
export function addStream(map: RemoteMediaMap, peerId: string, stream: MediaStream): RemoteMediaMap {
  const cur = map.get(peerId) ?? {};
  if (cur.camera?.id === stream.id || cur.screen?.id === stream.id) return map;
  const next = new Map(map);
  next.set(peerId, cur.camera ? { ...cur, screen: stream } : { ...cur, camera: stream });
  return next;
}

/** The peer stopped sharing its screen. */
export function dropScreen(map: RemoteMediaMap, peerId: string): RemoteMediaMap {
  const cur = map.get(peerId);
  if (!cur?.screen) return map;
  const next = new Map(map);
  next.set(peerId, cur.camera ? { camera: cur.camera } : {});
  return next;
}

export function dropPeer(map: RemoteMediaMap, peerId: string): RemoteMediaMap {
  if (!map.has(peerId)) return map;
  const next = new Map(map);
  next.delete(peerId);
  return next;
}

/** A peer rejoined under a new id: its streams follow it. */
export function renamePeer(map: RemoteMediaMap, from: string, to: string): RemoteMediaMap {
  const cur = map.get(from);
  if (!cur) return map;
  const next = new Map(map);
  next.delete(from);
  next.set(to, { ...next.get(to), ...cur });
  return next;
}
