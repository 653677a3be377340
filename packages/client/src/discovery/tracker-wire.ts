import { frameText, type WebSocketConstructor, type WebSocketLike } from "../signaling/websocket.js";
import type { PeerWire, WireHandlers } from "./transport.js";
import { checkTrackerUrls } from "./tracker-urls.js";

export { checkTrackerUrls };

/**
 * Discovery through WebSocket trackers (WebTorrent's wire format): the meeting's info-hash is announced with a
 * few sealed hellos as "offers", which the tracker relays each to another peer of the swarm; every later frame
 * (hello replies, signals, keep-alives) goes as an "answer" addressed by peer id, which the tracker relays to
 * that peer's connection. Frames are opaque to the tracker; its limits apply (offers per announce, 16 384
 * characters per SDP field, its frame size and announce rate per address).
 */
export interface TrackerWireOptions {
  readonly urls: readonly string[];
  readonly WebSocket: WebSocketConstructor;
  /** Hellos sent with each announce (the tracker relays at most its own limit, 10 by default). */
  readonly offersPerAnnounce?: number;
  /** Re-announce period (new hellos to peers not met yet), ms. */
  readonly announceIntervalMs?: number;
  /** Reconnect delays after a tracker connection drops, ms (the last one repeats). */
  readonly reconnectDelaysMs?: readonly number[];
}

const bin = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
const hexToBin = (hex: string): string =>
  bin(Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)));
const binToHex = (s: string): string => {
  let out = "";
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).padStart(2, "0");
  return out;
};
const randomId = (): string => bin(globalThis.crypto.getRandomValues(new Uint8Array(20)));

interface Tracker {
  readonly url: string;
  socket: WebSocketLike | undefined;
  announced: boolean;
  failures: number;
  retry: ReturnType<typeof setTimeout> | undefined;
}

export class TrackerWire implements PeerWire {
  readonly kind = "tracker";
  readonly #o: TrackerWireOptions;
  #trackers: Tracker[] = [];
  #infoHash = "";
  #peerId = "";
  #handlers: WireHandlers | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Until the first tracker answers: open() settles once one does, or once every tracker has failed. */
  #settle: { resolve: () => void; reject: (e: Error) => void; errors: Map<string, string> } | undefined;

  constructor(opts: TrackerWireOptions) {
    this.#o = { ...opts, urls: checkTrackerUrls(opts.urls) };
  }

  open(infoHash: Uint8Array, selfId: string, handlers: WireHandlers): Promise<void> {
    this.#infoHash = bin(infoHash);
    this.#peerId = hexToBin(selfId);
    this.#handlers = handlers;
    this.#closed = false;
    const done = new Promise<void>((resolve, reject) => {
      this.#settle = { resolve, reject, errors: new Map() };
    });
    this.#trackers = this.#o.urls.map((url) => ({
      url,
      socket: undefined,
      announced: false,
      failures: 0,
      retry: undefined,
    }));
    for (const t of this.#trackers) this.#connect(t);
    this.#timer = setInterval(() => {
      for (const t of this.#trackers) void this.#announce(t, false);
    }, this.#o.announceIntervalMs ?? 20_000);
    return done;
  }

  send(via: string, sealed: string): boolean {
    if (!/^[0-9a-f]{40}$/.test(via)) return false;
    const msg = JSON.stringify({
      action: "announce",
      info_hash: this.#infoHash,
      peer_id: this.#peerId,
      numwant: 0,
      answer: { type: "answer", sdp: sealed },
      to_peer_id: hexToBin(via),
      offer_id: randomId(),
    });
    let sent = false;
    for (const t of this.#trackers)
      if (t.socket?.readyState === 1 && t.announced) {
        t.socket.send(msg);
        sent = true;
      }
    return sent;
  }

  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const t of this.#trackers) {
      clearTimeout(t.retry);
      const s = t.socket;
      t.socket = undefined;
      if (s?.readyState === 1)
        s.send(
          JSON.stringify({
            action: "announce",
            info_hash: this.#infoHash,
            peer_id: this.#peerId,
            event: "stopped",
            numwant: 0,
          }),
        );
      if (s) {
        s.onopen = s.onmessage = s.onerror = null;
        s.onclose = null;
        // Give the `stopped` a moment on its way out.
        setTimeout(() => s.close(1000), 50);
      }
    }
    this.#fail("closed");
    return Promise.resolve();
  }

  #connect(t: Tracker): void {
    if (this.#closed) return;
    let ws: WebSocketLike;
    try {
      ws = new this.#o.WebSocket(t.url);
    } catch (err) {
      this.#lost(t, `cannot connect to ${t.url}: ${String(err)}`);
      return;
    }
    t.socket = ws;
    ws.onopen = () => void this.#announce(t, true);
    ws.onmessage = (ev) => this.#message(t, frameText(ev.data));
    ws.onerror = () => undefined; // followed by close
    ws.onclose = () => {
      if (t.socket === ws) this.#lost(t, `tracker ${t.url} closed the connection`);
    };
  }

  #lost(t: Tracker, why: string): void {
    t.socket = undefined;
    t.announced = false;
    if (this.#closed) return;
    if (this.#settle) this.#oneFailed(t, why);
    else this.#handlers?.onWarning?.(why);
    const delays = this.#o.reconnectDelaysMs ?? [1000, 2000, 5000, 10_000, 30_000];
    const delay = delays[Math.min(t.failures, delays.length - 1)] ?? 30_000;
    t.failures++;
    t.retry = setTimeout(() => this.#connect(t), delay);
  }

  async #announce(t: Tracker, first: boolean): Promise<void> {
    const handlers = this.#handlers;
    if (!handlers || t.socket?.readyState !== 1) return;
    const n = this.#o.offersPerAnnounce ?? 8;
    let offers: { offer: { type: "offer"; sdp: string }; offer_id: string }[];
    try {
      offers = await Promise.all(
        Array.from({ length: n }, async () => ({
          offer: { type: "offer" as const, sdp: await handlers.hello() },
          offer_id: randomId(),
        })),
      );
    } catch {
      return; // left the meeting meanwhile
    }
    if (t.socket?.readyState !== 1) return;
    t.socket.send(
      JSON.stringify({
        action: "announce",
        info_hash: this.#infoHash,
        peer_id: this.#peerId,
        numwant: n,
        offers,
        ...(first ? { event: "started" } : {}),
      }),
    );
  }

  #message(t: Tracker, text: string): void {
    if (text.length > 70_000) return;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof m !== "object" || m === null || m.action !== "announce" || m.info_hash !== this.#infoHash)
      return;
    const failure = m["failure reason"];
    if (typeof failure === "string") {
      const why = `tracker ${t.url} refused the announce: ${failure.slice(0, 200)}`;
      if (this.#settle && !t.announced) this.#oneFailed(t, why);
      else this.#handlers?.onWarning?.(why);
      return;
    }
    if (typeof m.interval === "number") {
      t.failures = 0;
      t.announced = true;
      const s = this.#settle;
      this.#settle = undefined;
      s?.resolve();
      return;
    }
    const from = m.peer_id;
    if (typeof from !== "string" || from.length !== 20 || from === this.#peerId) return;
    const relayed = (m.offer ?? m.answer) as { sdp?: unknown } | undefined;
    if (typeof relayed?.sdp !== "string") return;
    this.#handlers?.onFrame(binToHex(from), relayed.sdp);
  }

  #oneFailed(t: Tracker, why: string): void {
    const s = this.#settle;
    if (!s) return;
    s.errors.set(t.url, why);
    if (s.errors.size >= this.#trackers.length) this.#fail([...s.errors.values()].join("; "));
  }

  #fail(why: string): void {
    const s = this.#settle;
    this.#settle = undefined;
    s?.reject(new Error(why));
  }
}
