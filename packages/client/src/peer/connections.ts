import type { ConnectionMethod, SignalData } from "@switchboard/protocol";
import { FlowControlledChannel, type PeerChannel } from "../channel/peer-channel.js";
import { decodeFrame, encodeFrame, type SdkFrame } from "../channel/sdk-frame.js";
import { SwitchboardError } from "../errors.js";
import type { ConnectionInfo } from "../events.js";
import { withoutTurn } from "./ice-servers.js";
import { isPolite } from "./negotiation.js";
import { PeerLink, type SdpSigner } from "./peer-link.js";
import type { RtcImplementation } from "./rtc.js";
import { SharedCertificate } from "./certificate.js";
import { Spares, type Spare } from "./spares.js";
import { joinOfferRecipient } from "../crypto/sdp-signer.js";

type OfferData = Extract<SignalData, { kind: "offer" }>;

export interface ConnectionOptions {
  readonly rtc: RtcImplementation;
  readonly selfId: () => string;
  readonly iceServers: () => RTCIceServer[];
  readonly relayOnly: boolean;
  /** Build connections ahead of need (an offer during `join`, an answerer on `peer.joined`): see ClientOptions. */
  readonly prepareConnections: boolean;
  readonly signer: () => SdpSigner | undefined;
  readonly sendSignal: (peerId: string, roomId: string, data: SignalData) => void;
  readonly onEstablished: (info: ConnectionInfo, iceRestart: boolean) => void;
  readonly onClosed: (peerId: string, reason: string, err?: SwitchboardError, setupMs?: number) => void;
  readonly onFrame: (peerId: string, frame: SdkFrame) => void;
  readonly onError: (err: SwitchboardError) => void;
  readonly onTrack?: (peerId: string, track: MediaStreamTrack, streams: MediaStream[]) => void;
  readonly connectTimeoutMs?: number;
  /** See `ClientOptions.directFirstMs`. */
  readonly directFirstMs?: number;
}

interface Connection {
  link: PeerLink;
  roomId: string;
  sdk: FlowControlledChannel | undefined;
  info: ConnectionInfo | undefined;
  waiters: { resolve: (c: ConnectionInfo) => void; reject: (e: SwitchboardError) => void }[];
}

/** Every peer connection of the client, keyed by the remote peer's current session id. */
export class Connections {
  readonly #byPeer = new Map<string, Connection>();
  readonly #channelHandlers = new Map<string, Set<(ch: PeerChannel) => void>>();
  readonly #opts: ConnectionOptions;
  readonly #spares: Spares;
  readonly #certificates: () => RTCCertificate[] | undefined;
  /** The prepared offer a `join` in flight carries, by room. */
  readonly #carried = new Map<string, Spare>();
  /** Peers that just joined (`peer.joined`): their first signal may be their join-carried offer, by room. */
  readonly #joinOffers = new Map<string, string>();

  constructor(opts: ConnectionOptions) {
    this.#opts = opts;
    const cert = new SharedCertificate(opts.rtc);
    this.#certificates = () => cert.certificates;
    this.#spares = new Spares({
      // With direct first, the spares serve first attempts: STUN only (a TURN attempt makes its own).
      create: (relayOnly) => {
        const certificates = cert.certificates;
        return new opts.rtc.RTCPeerConnection({
          iceServers:
            !relayOnly && (opts.directFirstMs ?? 0) > 0 ? withoutTurn(opts.iceServers()) : opts.iceServers(),
          iceTransportPolicy: relayOnly ? "relay" : "all",
          ...(certificates ? { certificates } : {}),
        });
      },
      // a stack that cannot renegotiate (node-datachannel's polyfill) would offer on its own for that channel
      answererChannel: opts.rtc.canRenegotiate !== false,
    });
  }

  /** This client is about to offer (its `join` is in flight): a connection with its offer set waits ready. */
  prepareOffer(): void {
    if (this.#opts.prepareConnections) this.#spares.warmOffer(this.#opts.relayOnly);
  }

  /** Resolves once the prepared offer is set (bounded): see `Spares.offerReady`. */
  offerReady(): Promise<void> {
    return this.#spares.offerReady(this.#opts.relayOnly);
  }

  /** An answerer waits idle for the next peer that joins (no gathering until one does). */
  prepareIdle(): void {
    if (this.#opts.prepareConnections) this.#spares.idle(this.#opts.relayOnly);
  }

  /**
   * A peer joined and will offer: its first signal may be an offer signed for any peer of the room (its
   * join-carried one), and an answerer waits for each such peer.
   */
  peerJoined(peerId: string, roomId: string): void {
    this.#joinOffers.set(peerId, roomId);
    if (this.#opts.prepareConnections) this.#spares.warm(this.#opts.relayOnly, this.#joinOffers.size);
  }

  /**
   * The offer for `join` to carry (a prepared connection's, signed for any peer of the room), or undefined when
   * none waits ready. Settled by `settleCarried` once `joined` names who got it.
   */
  async carryOffer(roomId: string): Promise<OfferData | undefined> {
    const spare = this.#carried.has(roomId) ? undefined : this.#spares.take(this.#opts.relayOnly, true);
    if (!spare?.offer) return undefined;
    // taken out of the spares: it keeps its candidates for its new owner to replay
    spare.pc.onicecandidate = (ev) => {
      if (ev.candidate?.candidate) spare.candidates.push(ev.candidate);
    };
    this.#carried.set(roomId, spare);
    const sdp = (await spare.offer).sdp ?? "";
    const signature = await this.#opts.signer()?.sign("offer", sdp, joinOfferRecipient(roomId));
    return { kind: "offer", sdp, ...(signature ? { signature } : {}) };
  }

  /** `joined` came: the carried offer's connection becomes the link to `offeredTo`, or is closed (nobody took it). */
  settleCarried(roomId: string, offeredTo: string | undefined): void {
    const spare = this.#carried.get(roomId);
    if (!spare) return;
    this.#carried.delete(roomId);
    if (offeredTo === undefined || this.#byPeer.has(offeredTo)) spare.pc.close();
    else this.#create(offeredTo, roomId, true, spare).link.offerCarried();
  }

  /** Nobody to offer to after all (the meeting was empty). */
  dropPreparedOffers(): void {
    this.#spares.dropOffers();
  }

  get size(): number {
    return this.#byPeer.size;
  }

  has(peerId: string): boolean {
    return this.#byPeer.has(peerId);
  }

  info(peerId: string): ConnectionInfo | undefined {
    return this.#byPeer.get(peerId)?.info;
  }

  /** Peers whose SDK channel is open. */
  connectedPeers(): string[] {
    return [...this.#byPeer].filter(([, c]) => c.sdk?.open).map(([id]) => id);
  }

  /** Connects (or joins a connection in progress) and resolves when the SDK channel is open. */
  connect(peerId: string, roomId: string, timeoutMs = 45_000): Promise<ConnectionInfo> {
    let c = this.#byPeer.get(peerId);
    if (c?.info && c.sdk?.open) return Promise.resolve(c.info);
    if (!c) {
      c = this.#create(peerId, roomId, true);
      c.link.initiate();
    }
    return this.#wait(c, timeoutMs);
  }

  /**
   * A relayed signal from a peer: creates the connection on its first offer. `joinCarried`: the offer came
   * inside the peer's `peer.joined` (its join-carried one, signed for any peer of the room).
   */
  handleSignal(from: string, roomId: string, data: SignalData, joinCarried = false): void {
    const joinRoom = joinCarried ? roomId : this.#joinOffers.get(from);
    this.#joinOffers.delete(from); // only its first signal
    let c = this.#byPeer.get(from);
    if (!c) {
      if (data.kind !== "offer") return; // candidates of a connection we do not have
      c = this.#create(from, roomId, false);
    }
    void c.link.handleSignal(data, joinRoom === roomId && data.kind === "offer" ? roomId : undefined);
  }

  send(peerId: string, data: string | Uint8Array): Promise<void> {
    return this.sendFrame(peerId, { t: "data", data });
  }

  sendFrame(peerId: string, frame: SdkFrame): Promise<void> {
    const sdk = this.#byPeer.get(peerId)?.sdk;
    if (!sdk?.open) return Promise.reject(new SwitchboardError("not_connected", peerId, { peerId }));
    return sdk.send(encodeFrame(frame));
  }

  /** Opens an extra channel on a connected peer; resolves when it is open. */
  openChannel(peerId: string, label: string, timeoutMs = 15_000): Promise<PeerChannel> {
    const c = this.#byPeer.get(peerId);
    if (!c?.sdk?.open) return Promise.reject(new SwitchboardError("not_connected", peerId, { peerId }));
    const dc = c.link.createChannel(label);
    const max = c.sdk.maxMessageSize;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SwitchboardError("timeout", `channel ${label}`, { peerId })),
        timeoutMs,
      );
      const ch = new FlowControlledChannel(dc, { peerId, negotiatedMaxMessageSize: max });
      if (dc.readyState === "open") {
        clearTimeout(timer);
        resolve(ch);
        return;
      }
      dc.addEventListener(
        "open",
        () => {
          clearTimeout(timer);
          resolve(ch);
        },
        { once: true },
      );
      dc.addEventListener(
        "error",
        () => {
          clearTimeout(timer);
          reject(new SwitchboardError("channel_closed", label, { peerId }));
        },
        { once: true },
      );
    });
  }

  onChannel(label: string, fn: (ch: PeerChannel) => void): () => void {
    let set = this.#channelHandlers.get(label);
    if (!set) this.#channelHandlers.set(label, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  /** The peer now has a new session id (it rejoined): re-key its connection. */
  rename(oldId: string, newId: string): void {
    const c = this.#byPeer.get(oldId);
    if (!c || this.#byPeer.has(newId)) return;
    this.#byPeer.delete(oldId);
    this.#byPeer.set(newId, c);
    c.link.remoteId = newId;
    if (c.info) c.info = { ...c.info, peerId: newId };
  }

  /** Moves every connection to a room (after a rejoin the room is the same; the peer ids change). */
  async stats(): Promise<ConnectionStats[]> {
    const out: ConnectionStats[] = [];
    for (const [peerId, c] of this.#byPeer) {
      if (!c.info) continue;
      const s = await c.link.stats().catch(() => undefined);
      out.push({
        peerId,
        method: s?.method ?? c.info.method,
        setupMs: c.info.setupMs,
        ...(s?.pair?.rttMs !== undefined
          ? { rttMs: s.pair.rttMs }
          : c.info.rttMs !== undefined
            ? { rttMs: c.info.rttMs }
            : {}),
        bytesSent: s?.pair?.bytesSent ?? 0,
        bytesReceived: s?.pair?.bytesReceived ?? 0,
        localCandidateType: s?.pair?.localType,
        remoteCandidateType: s?.pair?.remoteType,
        gatheredCandidateTypes: [...new Set((s?.gathered ?? []).map((g) => g.type))],
      });
    }
    return out;
  }

  /** Sends local media on every connection (browsers). */
  addTracks(tracks: readonly MediaStreamTrack[], stream: MediaStream): void {
    for (const c of this.#byPeer.values()) if (c.sdk?.open) c.link.addTracks(tracks, stream);
  }

  senders(): RTCRtpSender[] {
    return [...this.#byPeer.values()].flatMap((c) => c.link.senders());
  }

  close(peerId: string, reason: string): void {
    this.#joinOffers.delete(peerId);
    const c = this.#byPeer.get(peerId);
    if (!c) return;
    this.#byPeer.delete(peerId);
    c.link.close();
    c.sdk?.close();
    const err = new SwitchboardError("not_connected", reason, { peerId });
    for (const w of c.waiters.splice(0)) w.reject(err);
    this.#opts.onClosed(peerId, reason);
  }

  closeAll(reason: string): void {
    this.#spares.clear();
    for (const s of this.#carried.values()) s.pc.close();
    this.#carried.clear();
    this.#joinOffers.clear();
    for (const id of [...this.#byPeer.keys()]) this.close(id, reason);
  }

  #wait(c: Connection, timeoutMs: number): Promise<ConnectionInfo> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        c.waiters = c.waiters.filter((w) => w !== waiter);
        reject(
          new SwitchboardError("timeout", `connecting to ${c.link.remoteId}`, { peerId: c.link.remoteId }),
        );
      }, timeoutMs);
      const waiter = {
        resolve: (i: ConnectionInfo) => {
          clearTimeout(timer);
          resolve(i);
        },
        reject: (e: SwitchboardError) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      c.waiters.push(waiter);
    });
  }

  #create(peerId: string, roomId: string, offering: boolean, spare?: Spare): Connection {
    const o = this.#opts;
    const c: Connection = {
      link: undefined as unknown as PeerLink,
      roomId,
      sdk: undefined,
      info: undefined,
      waiters: [],
    };
    const id = () => c.link.remoteId;
    c.link = new PeerLink({
      rtc: o.rtc,
      selfId: o.selfId,
      remoteId: peerId,
      polite: isPolite(o.selfId(), peerId),
      offering,
      spares: this.#spares,
      ...(spare ? { spare } : {}),
      certificates: this.#certificates,
      iceServers: o.iceServers,
      relayOnly: o.relayOnly,
      signer: o.signer(),
      sendSignal: (data) => o.sendSignal(id(), c.roomId, data),
      connectTimeoutMs: o.connectTimeoutMs ?? 15_000,
      ...(o.directFirstMs !== undefined && { directFirstMs: o.directFirstMs }),
      onSdkChannel: (dc, max) => {
        c.sdk?.close();
        const ch = new FlowControlledChannel(dc, {
          peerId: id(),
          ...(max !== undefined ? { negotiatedMaxMessageSize: max } : {}),
        });
        c.sdk = ch;
        ch.onmessage = (raw) => {
          const frame = decodeFrame(raw);
          if (!frame) {
            o.onError(new SwitchboardError("bad_frame", "closing that peer's SDK channel", { peerId: id() }));
            this.close(id(), "bad-frame");
            return;
          }
          o.onFrame(id(), frame);
        };
      },
      onTrack: (track, streams) => o.onTrack?.(id(), track, streams),
      onAppChannel: (dc, max) => {
        const handlers = this.#channelHandlers.get(dc.label);
        if (!handlers?.size) {
          dc.close();
          return;
        }
        // Wrapped at once: what the peer sends before the handlers run is kept for them.
        const ch = new FlowControlledChannel(dc, {
          peerId: id(),
          ...(max !== undefined ? { negotiatedMaxMessageSize: max } : {}),
        });
        const deliver = () => {
          for (const fn of handlers) fn(ch);
        };
        if (dc.readyState === "open") deliver();
        else dc.addEventListener("open", deliver, { once: true });
      },
      onConnected: ({ method, setupMs, rttMs, iceRestart }) => {
        const info: ConnectionInfo = {
          peerId: id(),
          method: method,
          setupMs,
          ...(rttMs !== undefined ? { rttMs } : {}),
        };
        c.info = info;
        for (const w of c.waiters.splice(0)) w.resolve(info);
        o.onEstablished(info, iceRestart);
        // the next newcomer's answerer, made once this connection's first moments are over
        if (!iceRestart) setTimeout(() => this.#byPeer.size && this.prepareIdle(), 1000);
      },
      onFailed: (err, setupMs) => {
        const peer = id();
        if (this.#byPeer.get(peer) !== c) return;
        this.#byPeer.delete(peer);
        c.sdk?.close();
        for (const w of c.waiters.splice(0)) w.reject(err);
        o.onClosed(peer, err.code, err, setupMs);
      },
    });
    this.#byPeer.set(peerId, c);
    return c;
  }
}

export interface ConnectionStats {
  readonly peerId: string;
  readonly method: ConnectionMethod;
  readonly rttMs?: number;
  readonly setupMs: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly localCandidateType: string | undefined;
  readonly remoteCandidateType: string | undefined;
  readonly gatheredCandidateTypes: readonly string[];
}
