/** Callbacks from a wire to the discovery session above it. */
export interface WireHandlers {
  /** A sealed frame arrived; `via` is the wire's return path to its sender. */
  readonly onFrame: (via: string, sealed: string) => void;
  /** A fresh sealed hello, for each peer the wire reaches out to. */
  readonly hello: () => Promise<string>;
  /** A non-fatal problem worth a line in the logs (a refused announce, a dropped connection). */
  readonly onWarning?: (message: string) => void;
}

/**
 * The lower half of a discovery session: meets other holders of an info-hash and carries sealed frames to them.
 * `tracker-wire.ts` (WebSocket trackers, browsers and Node) and `dht-wire.ts` (mainline DHT + TCP rendezvous,
 * Node only).
 */
export interface PeerWire {
  readonly kind: "tracker" | "dht";
  /** Starts announcing; resolves once at least one tracker or DHT node answered (rejects otherwise). */
  open(infoHash: Uint8Array, selfId: string, handlers: WireHandlers): Promise<void>;
  /** Sends a sealed frame along a return path; false when that path is gone. */
  send(via: string, sealed: string): boolean;
  /** Stops announcing and closes every socket. */
  close(): Promise<void>;
}

/** Creates the DHT wire (given by `nodeRtc()`, since only Node has UDP and TCP sockets). */
export type DhtWireFactory = (opts: { readonly bootstrap?: readonly string[] }) => PeerWire;
