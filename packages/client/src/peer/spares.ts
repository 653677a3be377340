import { SDK_CHANNEL_INIT, SDK_CHANNEL } from "./sdk-channel.js";

/**
 * A peer connection made before it is needed, so that its set-up is off a connection's critical path: a plain one
 * (made when a peer joins: its offer is coming) or one with the SDK channel and a local offer already set (made
 * while `join` is in flight: the newcomer offers to the peers `joined` lists). ICE candidates it gathers before
 * it is taken are kept and replayed by its new owner.
 */
export interface Spare {
  readonly pc: RTCPeerConnection;
  readonly relayOnly: boolean;
  /** The SDK channel (negotiated), on a spare made with an offer. */
  readonly sdk: RTCDataChannel | undefined;
  /** The local offer, set (resolves once `setLocalDescription` is done); absent on a plain spare. */
  readonly offer: Promise<RTCSessionDescriptionInit> | undefined;
  /** Candidates gathered while it waited. */
  readonly candidates: RTCIceCandidate[];
}

interface Entry extends Spare {
  readonly timer: ReturnType<typeof setTimeout>;
}

export interface SparesOptions {
  readonly create: (relayOnly: boolean) => RTCPeerConnection;
  /** A spare nobody took is closed after this long, ms. */
  readonly maxAgeMs?: number;
  /** At most this many spares of each kind wait at once. */
  readonly max?: number;
}

/** The waiting spares of one client. */
export class Spares {
  readonly #plain: Entry[] = [];
  readonly #offering: Entry[] = [];
  readonly #opts: SparesOptions;

  constructor(opts: SparesOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#plain.length + this.#offering.length;
  }

  /** Makes a plain spare (a peer joined: its offer will need an answerer). */
  warm(relayOnly: boolean): void {
    if (this.#plain.length >= (this.#opts.max ?? 4)) return;
    this.#plain.push(this.#entry(relayOnly, false));
  }

  /** Makes a spare with the SDK channel and a local offer set (this client is about to offer), unless one waits. */
  warmOffer(relayOnly: boolean): void {
    if (this.#offering.some((s) => s.relayOnly === relayOnly)) return;
    this.#offering.push(this.#entry(relayOnly, true));
  }

  /** Hands out a spare for this policy (one with an offer only when `offering`); undefined when none waits. */
  take(relayOnly: boolean, offering: boolean): Spare | undefined {
    const list = offering ? this.#offering : this.#plain;
    const i = list.findIndex((s) => s.relayOnly === relayOnly);
    if (i < 0) return undefined;
    const [s] = list.splice(i, 1);
    if (!s) return undefined;
    clearTimeout(s.timer);
    s.pc.onicecandidate = null;
    return s;
  }

  /** Closes the spares with an offer (nobody to offer to). */
  dropOffers(): void {
    for (const s of this.#offering.splice(0)) this.#close(s);
  }

  clear(): void {
    for (const s of [...this.#plain.splice(0), ...this.#offering.splice(0)]) this.#close(s);
  }

  #entry(relayOnly: boolean, offering: boolean): Entry {
    const pc = this.#opts.create(relayOnly);
    const candidates: RTCIceCandidate[] = [];
    pc.onicecandidate = (ev) => {
      if (ev.candidate?.candidate) candidates.push(ev.candidate);
    };
    const sdk = offering ? pc.createDataChannel(SDK_CHANNEL, SDK_CHANNEL_INIT) : undefined;
    const offer = offering
      ? (async () => {
          const o = await pc.createOffer();
          await pc.setLocalDescription(o);
          return { type: "offer" as const, sdp: o.sdp ?? pc.localDescription?.sdp ?? "" };
        })()
      : undefined;
    offer?.catch(() => undefined); // a failure shows where it is awaited
    const entry: Entry = {
      pc,
      relayOnly,
      sdk,
      offer,
      candidates,
      timer: setTimeout(() => {
        const list = offering ? this.#offering : this.#plain;
        const i = list.indexOf(entry);
        if (i >= 0) list.splice(i, 1);
        this.#close(entry);
      }, this.#opts.maxAgeMs ?? 15_000),
    };
    (entry.timer as { unref?: () => void }).unref?.(); // a waiting spare never keeps Node running
    return entry;
  }

  #close(s: Entry): void {
    clearTimeout(s.timer);
    s.pc.onicecandidate = null;
    try {
      s.sdk?.close();
      s.pc.close();
    } catch {
      // already closed
    }
  }
}
