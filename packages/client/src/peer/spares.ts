import { SDK_CHANNEL_INIT, SDK_CHANNEL } from "./sdk-channel.js";

/**
 * A peer connection made before it is needed, so that its set-up is off a connection's critical path: a plain one
 * (an answerer: one waits from `initializeNode()` on, more are made when peers join; with the SDK channel already
 * made where the stack allows it, see `SparesOptions.answererChannel`) or one with the SDK channel and a local
 * offer already set (made while `join` is in flight: the newcomer offers to the peers `joined` lists). ICE
 * candidates it gathers before it is taken are kept and replayed by its new owner.
 */
export interface Spare {
  readonly pc: RTCPeerConnection;
  readonly relayOnly: boolean;
  /** The SDK channel (negotiated), on a spare made with an offer, and on an answerer with `answererChannel`. */
  readonly sdk: RTCDataChannel | undefined;
  /** The local offer, set (resolves once `setLocalDescription` is done); absent on a plain spare. */
  readonly offer: Promise<RTCSessionDescriptionInit> | undefined;
  /** Candidates gathered while it waited. */
  readonly candidates: RTCIceCandidate[];
}

interface Entry extends Spare {
  /** Closes it when nobody took it in time; none on the idle answerer (it gathers nothing). */
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface SparesOptions {
  readonly create: (relayOnly: boolean) => RTCPeerConnection;
  /** A spare nobody took is closed this long after it was made (the idle answerer excepted), ms. */
  readonly maxAgeMs?: number;
  /** At most this many spares of each kind wait at once. */
  readonly max?: number;
  /**
   * Answerers get the SDK channel when made, not once the remote offer is set: `createDataChannel` is a
   * synchronous call into the stack (a blocking hop to its signaling thread in browsers, 0.1–0.6 ms measured in
   * Chromium) that otherwise sits between `setRemoteDescription(offer)` and `createAnswer()`. Only for stacks that
   * take a channel before any description without negotiating by themselves (not node-datachannel's polyfill,
   * which makes an offer on its own).
   */
  readonly answererChannel?: boolean;
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

  /**
   * Makes sure an answerer waits for this policy, idle (no candidates gathered, no timer: it costs one
   * RTCPeerConnection object and no network), so that a peer's offer never waits for `new RTCPeerConnection`.
   */
  idle(relayOnly: boolean): void {
    if (!this.#plain.some((s) => s.relayOnly === relayOnly)) this.#plain.push(this.#entry(relayOnly, false));
  }

  /**
   * Peers joined and will offer: `count` answerers wait (the idle one among them); the ones made now are closed
   * after `maxAgeMs` if nobody takes them.
   */
  warm(relayOnly: boolean, count = 1): void {
    let n = this.#plain.filter((s) => s.relayOnly === relayOnly).length;
    for (; n < count && this.#plain.length < (this.#opts.max ?? 4); n++)
      this.#plain.push(this.#entry(relayOnly, false, true));
  }

  /** Makes a spare with the SDK channel and a local offer set (this client is about to offer), unless one waits. */
  warmOffer(relayOnly: boolean): void {
    if (this.#offering.some((s) => s.relayOnly === relayOnly)) return;
    this.#offering.push(this.#entry(relayOnly, true));
  }

  /**
   * Resolves once the waiting offer for this policy is set (or `maxMs` passed), so that a `join` sent now need not
   * wait for it. At once when none waits.
   */
  async offerReady(relayOnly: boolean, maxMs = 250): Promise<void> {
    const s = this.#offering.find((e) => e.relayOnly === relayOnly);
    if (!s?.offer) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((r) => (timer = setTimeout(r, maxMs)));
    await Promise.race([s.offer, deadline]).catch(() => undefined);
    clearTimeout(timer);
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

  /** `expires`: closed after `maxAgeMs` if nobody takes it (every spare but the idle answerer). */
  #entry(relayOnly: boolean, offering: boolean, expires = offering): Entry {
    const pc = this.#opts.create(relayOnly);
    const candidates: RTCIceCandidate[] = [];
    pc.onicecandidate = (ev) => {
      if (ev.candidate?.candidate) candidates.push(ev.candidate);
    };
    const sdk =
      offering || this.#opts.answererChannel === true
        ? pc.createDataChannel(SDK_CHANNEL, SDK_CHANNEL_INIT)
        : undefined;
    const offer = offering
      ? (async () => {
          const o = await pc.createOffer();
          await pc.setLocalDescription(o);
          return { type: "offer" as const, sdp: o.sdp ?? pc.localDescription?.sdp ?? "" };
        })()
      : undefined;
    offer?.catch(() => undefined); // a failure shows where it is awaited
    const entry: Entry = { pc, relayOnly, sdk, offer, candidates, timer: undefined };
    if (expires) this.#expire(entry);
    return entry;
  }

  #expire(entry: Entry): void {
    entry.timer = setTimeout(() => {
      for (const list of [this.#plain, this.#offering]) {
        const i = list.indexOf(entry);
        if (i >= 0) list.splice(i, 1);
      }
      this.#close(entry);
    }, this.#opts.maxAgeMs ?? 15_000);
    (entry.timer as { unref?: () => void }).unref?.(); // a waiting spare never keeps Node running
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
