import type { ConnectionMethod, SdpSignature, SignalData } from "@switchboard/protocol";
import { SwitchboardError } from "../errors.js";
import { CandidateQueue } from "./candidate-queue.js";
import {
  detectMethod,
  parseCandidate,
  pairFromTransport,
  selectedPair,
  type GatheredCandidate,
  type SelectedPair,
} from "./method.js";
import { directOnly, onDirectEvent } from "./direct-first.js";
import { withoutTurn } from "./ice-servers.js";
import { Lifetime, untilEnded } from "./until-replaced.js";
import {
  answerIsDtlsClient,
  collisionResolution,
  decideOnOffer,
  iceSettled,
  nextRecovery,
  passiveAnswer,
  sdpFingerprint,
} from "./negotiation.js";
import type { RtcImplementation } from "./rtc.js";
import { SDK_CHANNEL, SDK_CHANNEL_INIT } from "./sdk-channel.js";
import type { Spare, Spares } from "./spares.js";
type CandidateInit = Extract<SignalData, { kind: "candidate" }>["candidate"];

/** Signs outgoing and verifies incoming offers/answers (absent when signing is off). */
export interface SdpSigner {
  sign(kind: "offer" | "answer", sdp: string, to: string): Promise<SdpSignature>;
  /** Throws a `signature_invalid` SwitchboardError when the signature, key or nonce is refused. */
  verify(
    from: string,
    kind: "offer" | "answer",
    sdp: string,
    signature: SdpSignature | undefined,
    /** Also accept an offer signed for any peer of this room (a join-carried offer). */
    joinRoom?: string,
  ): Promise<void>;
}

export interface PeerLinkOptions {
  readonly rtc: RtcImplementation;
  readonly selfId: () => string;
  readonly remoteId: string;
  readonly polite: boolean;
  /** This side starts the connection (`initiate()` follows): it may take a spare with an offer ready. */
  readonly offering: boolean;
  /** Peer connections made ahead of need. */
  readonly spares?: Spares;
  /** The spare to start with (its offer already went out in `join`): see `offerCarried()`. */
  readonly spare?: Spare;
  readonly iceServers: () => RTCIceServer[];
  /** The client's shared DTLS certificate, once made (browsers). */
  readonly certificates?: () => RTCCertificate[] | undefined;
  readonly relayOnly: boolean;
  readonly signer: SdpSigner | undefined;
  readonly sendSignal: (data: SignalData) => void;
  /** The SDK channel is open (again, after a recovery that replaced the connection). */
  readonly onSdkChannel: (dc: RTCDataChannel, negotiatedMaxMessageSize: number | undefined) => void;
  readonly onAppChannel: (dc: RTCDataChannel, negotiatedMaxMessageSize: number | undefined) => void;
  readonly onConnected: (o: {
    method: ConnectionMethod;
    setupMs: number;
    rttMs?: number;
    iceRestart: boolean;
  }) => void;
  /** A remote media track arrived (browsers). */
  readonly onTrack?: (track: MediaStreamTrack, streams: MediaStream[]) => void;
  /** The link gave up (recovery ladder exhausted) or was refused: it is closed. */
  readonly onFailed: (err: SwitchboardError, setupMs: number) => void;
  /** How long a first connection may take before recovery starts, ms. */
  readonly connectTimeoutMs?: number;
  /** How long `disconnected` may last before recovery starts, ms. */
  readonly disconnectedGraceMs?: number;
  /**
   * Direct first (0: off): with TURN offered, the first connection gets the STUN servers only; the impolite side
   * replaces it by one with TURN after this long, ms, or when its ICE fails (not a recovery rung). The spares are
   * then STUN-only too (`Connections` makes them so).
   */
  readonly directFirstMs?: number;
}

/**
 * One RTCPeerConnection to one remote peer: perfect negotiation, trickle ICE with an early-candidate queue, a
 * recovery ladder (ICE restart → new connection → new connection relay-only), method detection and stats.
 */
export class PeerLink {
  remoteId: string;
  #pc!: RTCPeerConnection;
  #makingOffer = false;
  #settingRemoteAnswer = false;
  #haveRemote = false;
  #relayOnly: boolean;
  #gathered: GatheredCandidate[] = [];
  readonly #queue = new CandidateQueue<NonNullable<CandidateInit>>();
  #chain: Promise<void> = Promise.resolve();
  #started = 0;
  #connectedOnce = false;
  #channelOpen = false;
  #recoveries = 0;
  #restarting = false;
  /** The next negotiation is the ICE restart `restartIce()` asked for. */
  #restartPending = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Still in the first, direct-only attempt (connections made for a glare included); off once it ends. */
  #directPhase = true;
  /** The current connection is a direct-only one. */
  #direct = false;
  #directTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #opts: PeerLinkOptions;

  constructor(opts: PeerLinkOptions) {
    this.#opts = opts;
    this.remoteId = opts.remoteId;
    this.#relayOnly = opts.relayOnly;
    this.#create(opts.offering, opts.spare);
  }

  /**
   * The given spare's offer already went out (carried by `join`, relayed by the server to this peer): this side
   * is the offering one, waiting for the answer; its candidates go now.
   */
  offerCarried(): void {
    this.#prepared = undefined;
    this.#started = Date.now();
    if (!this.#opts.rtc.offerCandidatesAfterAnswer) this.#releaseCandidates();
  }

  get pc(): RTCPeerConnection {
    return this.#pc;
  }

  get connected(): boolean {
    return this.#channelOpen;
  }

  get polite(): boolean {
    return this.#opts.polite;
  }

  /** Starts the connection from this side: creates the SDK channel and offers (the spare's offer, if ready). */
  initiate(iceRestart = false): void {
    if (!this.#sdk) this.#useSdk(this.#pc.createDataChannel(SDK_CHANNEL, SDK_CHANNEL_INIT));
    const prepared = iceRestart ? undefined : this.#prepared;
    this.#prepared = undefined;
    void (prepared ? this.#sendPrepared(prepared) : this.#offer(iceRestart)).catch((err: unknown) =>
      this.#fail(err),
    );
  }

  /** Sends local media tracks on this connection (browsers; renegotiates). No-op where it cannot renegotiate. */
  addTracks(tracks: readonly MediaStreamTrack[], stream: MediaStream): void {
    if (this.#opts.rtc.canRenegotiate === false) return;
    const sent = new Set(this.#pc.getSenders().map((s) => s.track));
    for (const t of tracks) if (!sent.has(t)) this.#pc.addTrack(t, stream);
  }

  senders(): RTCRtpSender[] {
    return this.#opts.rtc.canRenegotiate === false ? [] : this.#pc.getSenders();
  }

  /** Opens an extra ordered, reliable channel on the live connection. */
  createChannel(label: string): RTCDataChannel {
    return this.#track(this.#pc.createDataChannel(label, { ordered: true }));
  }

  /** Channels of the current connection: closed before it (node-datachannel keeps the process alive otherwise). */
  #channels = new Set<RTCDataChannel>();

  #track(dc: RTCDataChannel): RTCDataChannel {
    this.#channels.add(dc);
    dc.addEventListener("close", () => this.#channels.delete(dc));
    return dc;
  }

  /** Handles a relayed signal, in arrival order (`joinRoom`: it may be the peer's join-carried offer). */
  handleSignal(data: SignalData, joinRoom?: string): Promise<void> {
    this.#chain = this.#chain
      .then(() => this.#handle(data, joinRoom))
      .catch((err: unknown) => this.#fail(err));
    return this.#chain;
  }

  /** The selected pair without `getStats()` where the stack has `RTCIceTransport` (browsers), else undefined. */
  #selectedNow(): SelectedPair | undefined {
    try {
      const ice = this.#pc.sctp?.transport?.iceTransport as
        { getSelectedCandidatePair?: () => Parameters<typeof pairFromTransport>[0] } | undefined;
      return pairFromTransport(ice?.getSelectedCandidatePair?.());
    } catch {
      return undefined;
    }
  }

  async stats(): Promise<{
    method: ConnectionMethod;
    pair: SelectedPair | undefined;
    gathered: GatheredCandidate[];
  }> {
    const report = (await this.#pc.getStats()) as unknown as Map<
      string,
      Record<string, unknown> & { id: string; type: string }
    >;
    const pair = selectedPair(report.values());
    return { method: detectMethod(pair, this.#gathered), pair, gathered: [...this.#gathered] };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#directTimer);
    this.#teardown();
  }

  /** `given`: the spare of a join-carried offer, for the first connection. */
  #create(offering = false, given?: Spare): void {
    this.#lifetime = new Lifetime();
    const servers = this.#opts.iceServers();
    const policy = { directFirstMs: this.#opts.directFirstMs ?? 0, relayOnly: this.#relayOnly, servers };
    const directFirst = directOnly({ phase: true }, policy);
    this.#direct = directOnly({ phase: this.#directPhase }, policy);
    // with direct first, the spares are STUN-only: for the first attempt only
    const spare =
      given ??
      (!directFirst || this.#direct ? this.#opts.spares?.take(this.#relayOnly, offering) : undefined);
    const certificates = this.#opts.certificates?.();
    const pc =
      spare?.pc ??
      new this.#opts.rtc.RTCPeerConnection({
        iceServers: this.#direct ? withoutTurn(servers) : servers,
        iceTransportPolicy: this.#relayOnly ? "relay" : "all",
        ...(certificates ? { certificates } : {}),
      });
    this.#pc = pc;
    this.#sdk = undefined;
    this.#prepared = spare?.offer;
    this.#haveRemote = false;
    this.#makingOffer = false;
    this.#gathered = [];
    this.#queue.clear();
    this.#channelOpen = false;
    this.#candidatesGo = false;
    this.#outgoing = [];
    pc.onicecandidate = (ev) => {
      if (pc === this.#pc && ev.candidate?.candidate) this.#localCandidate(ev.candidate);
    };
    pc.ondatachannel = (ev) => {
      if (pc !== this.#pc) return;
      this.#track(ev.channel);
      this.#opts.onAppChannel(ev.channel, this.#maxMessageSize());
    };
    pc.ontrack = (ev) => {
      if (pc === this.#pc) this.#opts.onTrack?.(ev.track, [...ev.streams]);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.#pc || this.#closed) return;
      const s = pc.connectionState;
      // node-datachannel may go straight to `closed` when ICE or DTLS fails: the same for us.
      const direct =
        (s === "failed" || s === "closed") && this.#direct ? this.#directEvent("ice-failed") : "none";
      if (direct === "leave") this.#leaveDirect();
      else if (direct === "wait")
        return; // the polite side waits for the impolite one's offer with TURN
      else if (s === "failed" || s === "closed") this.#recover(`ice-${s}`);
      else if (s === "disconnected") this.#arm(this.#opts.disconnectedGraceMs ?? 4000, "disconnected");
      else if (s === "connected") {
        clearTimeout(this.#timer);
        this.#restarting = false;
        if (this.#channelOpen) this.#recoveries = 0; // back after an ICE restart
      }
    };
    if (this.#opts.rtc.canRenegotiate !== false) {
      pc.onnegotiationneeded = () => {
        // Renegotiation after the first connection (media tracks, an ICE restart); the first offer is made
        // explicitly. One offer at a time: a second one would be answered out of order. A failed renegotiation
        // leaves the connection as it was (a glare the remote offer resolves), never closes it.
        if (pc !== this.#pc || !this.#connectedOnce || this.#makingOffer) return;
        const iceRestart = this.#restartPending;
        this.#restartPending = false;
        void this.#offer(iceRestart).catch((err: unknown) => {
          if (pc.signalingState === "stable" || pc.signalingState === "have-remote-offer") return;
          this.#fail(err);
        });
      };
    }
    if (spare) {
      for (const c of spare.candidates) this.#localCandidate(c);
      if (spare.sdk) this.#useSdk(spare.sdk);
    }
    this.#arm(this.#opts.connectTimeoutMs ?? 20_000, "timeout");
    clearTimeout(this.#directTimer);
    if (this.#direct && !this.#opts.polite) {
      this.#directTimer = setTimeout(() => {
        if (pc === this.#pc && !this.#closed && this.#directEvent("deadline") === "leave")
          this.#leaveDirect();
      }, this.#opts.directFirstMs);
    }
  }

  #directEvent(event: "deadline" | "ice-failed"): "leave" | "wait" | "none" {
    const state = { phase: this.#direct, polite: this.#opts.polite, channelOpen: this.#channelOpen };
    return onDirectEvent(state, event);
  }

  /** The direct-only attempt did not connect in time: a new connection with TURN too (setup time runs on). */
  #leaveDirect(): void {
    clearTimeout(this.#directTimer);
    this.#directPhase = false;
    const started = this.#started;
    this.#teardown();
    this.#create();
    this.initiate(true);
    if (started) this.#started = started;
  }

  /** A candidate this side gathered: sent, or held until the offer/answer is out. */
  #localCandidate(c: RTCIceCandidate): void {
    const parsed = parseCandidate(c.candidate);
    if (parsed) this.#gathered.push(parsed);
    const init: NonNullable<CandidateInit> = { candidate: c.candidate, sdpMid: c.sdpMid ?? null };
    if (c.sdpMLineIndex !== null && c.sdpMLineIndex !== undefined) init.sdpMLineIndex = c.sdpMLineIndex;
    if (c.usernameFragment) init.usernameFragment = c.usernameFragment;
    if (this.#candidatesGo) this.#opts.sendSignal({ kind: "candidate", candidate: init });
    else this.#outgoing.push(init);
  }

  /** The SDK channel of the current connection (negotiated: both ends make it). */
  #sdk: RTCDataChannel | undefined;
  /** The offer a spare had ready, sent by the first `initiate()`. */
  #prepared: Promise<RTCSessionDescriptionInit> | undefined;

  #useSdk(dc: RTCDataChannel): void {
    this.#sdk = this.#track(dc);
    this.#channel(dc);
  }

  async #sendPrepared(prepared: Promise<RTCSessionDescriptionInit>): Promise<void> {
    const pc = this.#pc;
    try {
      this.#makingOffer = true;
      if (!this.#started) this.#started = Date.now();
      const offer = await prepared;
      if (pc !== this.#pc) return;
      const sdp = offer.sdp ?? "";
      const signature = await this.#opts.signer?.sign("offer", sdp, this.remoteId);
      if (pc !== this.#pc) return;
      this.#sendDescription({ kind: "offer", sdp, ...(signature ? { signature } : {}) });
    } finally {
      if (pc === this.#pc) this.#makingOffer = false;
    }
  }

  #arm(ms: number, reason: string): void {
    clearTimeout(this.#timer);
    const pc = this.#pc;
    this.#timer = setTimeout(() => {
      if (pc !== this.#pc || this.#closed) return;
      if (reason === "disconnected" && pc.connectionState !== "disconnected") return;
      if (reason === "timeout" && this.#channelOpen && !this.#restarting) return;
      this.#restarting = false; // a restart that did not bring the link back: next rung
      this.#recover(reason);
    }, ms);
  }

  #maxMessageSize(): number | undefined {
    const sctp = this.#pc.sctp as { maxMessageSize?: number } | null;
    const ext = (this.#pc as unknown as { ext_maxMessageSize?: number }).ext_maxMessageSize;
    return sctp?.maxMessageSize ?? ext;
  }

  #channel(dc: RTCDataChannel): void {
    const pc = this.#pc;
    const opened = () => {
      if (pc !== this.#pc || this.#closed) return;
      this.#channelOpen = true;
      clearTimeout(this.#timer);
      clearTimeout(this.#directTimer);
      this.#direct = this.#directPhase = false; // up: a later failure climbs the recovery ladder
      const iceRestart = this.#connectedOnce;
      this.#connectedOnce = true;
      this.#recoveries = 0;
      this.#restarting = false;
      this.#opts.onSdkChannel(dc, this.#maxMessageSize());
      void this.#report(iceRestart);
    };
    if (dc.readyState === "open") opened();
    else dc.addEventListener("open", opened, { once: true });
    dc.addEventListener("close", () => {
      if (pc === this.#pc) this.#channelOpen = false;
    });
  }

  async #report(iceRestart: boolean): Promise<void> {
    const setupMs = Date.now() - this.#started;
    // Browsers name the selected pair at once (no getStats() round trip before the event; its RTT is in
    // getStats() later on).
    const now = this.#selectedNow();
    if (now) {
      this.#opts.onConnected({ method: detectMethod(now, this.#gathered), setupMs, iceRestart });
      return;
    }
    // The selected pair may show up in stats a moment after the channel opens.
    let s = await this.stats().catch(() => undefined);
    for (let i = 0; i < 10 && !s?.pair; i++) {
      await new Promise((r) => setTimeout(r, 50));
      s = await this.stats().catch(() => undefined);
    }
    if (this.#closed) return;
    const rttMs = s?.pair?.rttMs;
    this.#opts.onConnected({
      method: s?.method ?? "host",
      setupMs,
      iceRestart,
      ...(rttMs !== undefined ? { rttMs } : {}),
    });
  }

  async #offer(iceRestart: boolean): Promise<void> {
    const pc = this.#pc;
    try {
      this.#makingOffer = true;
      if (!this.#started || iceRestart) this.#started = Date.now();
      const remoteOffers = this.#remoteOffers;
      const offer = await pc.createOffer(
        iceRestart && this.#opts.rtc.canRenegotiate !== false ? { iceRestart: true } : {},
      );
      // The peer's offer may have been applied meanwhile (glare during a renegotiation): answering it comes
      // first, and the browser asks again (`negotiationneeded`) once back to stable. An offer made before the
      // peer's one was applied is stale even when the state is back to stable.
      if (pc !== this.#pc) return;
      if (this.#connectedOnce && (pc.signalingState !== "stable" || this.#remoteOffers !== remoteOffers))
        return;
      await pc.setLocalDescription(offer);
      const sdp = offer.sdp ?? pc.localDescription?.sdp ?? "";
      const signature = await this.#opts.signer?.sign("offer", sdp, this.remoteId);
      if (pc !== this.#pc) return;
      this.#sendDescription({
        kind: "offer",
        sdp,
        ...(iceRestart ? { iceRestart: true } : {}),
        ...(signature ? { signature } : {}),
      });
    } finally {
      if (pc === this.#pc) this.#makingOffer = false;
    }
  }

  async #handle(data: SignalData, joinRoom?: string): Promise<void> {
    if (this.#closed) return;
    if (data.kind === "candidate") {
      if (!data.candidate?.candidate) return;
      if (!this.#haveRemote) this.#queue.push(data.candidate);
      else await this.#addCandidate(data.candidate);
      return;
    }
    if (data.kind === "ice-restart") {
      if (!this.#opts.polite) this.#recover("peer-request");
      return;
    }
    await this.#opts.signer?.verify(this.remoteId, data.kind, data.sdp, data.signature, joinRoom);
    if (data.kind === "answer") {
      const pc = this.#pc;
      if (pc.signalingState !== "have-local-offer") return; // stale answer
      this.#settingRemoteAnswer = true;
      try {
        await this.#op(pc.setRemoteDescription({ type: "answer", sdp: data.sdp }));
      } finally {
        this.#settingRemoteAnswer = false;
      }
      if (pc !== this.#pc) return; // replaced meanwhile: the answer was for the old connection
      this.#afterAnswer(pc, data.sdp);
      await this.#remoteSet();
      return;
    }
    const decision = decideOnOffer({
      polite: this.#opts.polite,
      makingOffer: this.#makingOffer,
      signalingState: this.#pc.signalingState,
      settingRemoteAnswer: this.#settingRemoteAnswer,
    });
    if (decision === "ignore") return;
    const current = this.#haveRemote ? this.#remoteFingerprint : undefined;
    const newPeerConnection = current !== undefined && current !== sdpFingerprint(data.sdp);
    const needFresh = decision === "rollback" && !(await this.#rollback());
    // the impolite side left the direct attempt: its offer (marked as a restart) comes from one with TURN
    const fromDirect = this.#direct;
    if (fromDirect && data.iceRestart) this.#directPhase = false;
    if (needFresh || newPeerConnection || (data.iceRestart && this.#opts.rtc.canRenegotiate === false)) {
      this.#teardown();
      this.#create();
    }
    if (!this.#started || (data.iceRestart && !fromDirect)) this.#started = Date.now();
    const pc = this.#pc;
    this.#remoteOffers++;
    await this.#op(pc.setRemoteDescription({ type: "offer", sdp: data.sdp }));
    if (pc !== this.#pc) return;
    if (!this.#sdk) this.#useSdk(pc.createDataChannel(SDK_CHANNEL, SDK_CHANNEL_INIT));
    this.#remoteFingerprint = sdpFingerprint(data.sdp);
    await this.#remoteSet();
    const first = pc.currentLocalDescription === null;
    let answer = pc === this.#pc ? await this.#op(pc.createAnswer()) : undefined;
    if (pc !== this.#pc || !answer) return;
    // browsers: a first answer takes the DTLS server role (see passiveAnswer); the stack's own one if refused
    const passive = first && this.#opts.rtc.canRenegotiate !== false && answer.sdp;
    if (passive) answer = { type: "answer", sdp: passiveAnswer(passive) };
    await this.#op(pc.setLocalDescription(answer)).catch(async (err: unknown) => {
      if (!passive) throw err;
      answer = await this.#op(pc.createAnswer());
      if (answer) await this.#op(pc.setLocalDescription(answer));
    });
    if (pc !== this.#pc || !answer) return;
    const sdp = answer.sdp ?? pc.localDescription?.sdp ?? "";
    const signature = await this.#opts.signer?.sign("answer", sdp, this.remoteId);
    if (pc !== this.#pc) return;
    this.#sendDescription({ kind: "answer", sdp, ...(signature ? { signature } : {}) });
  }

  #remoteFingerprint: string | undefined;
  /** Ends when the current connection is replaced or closed. */
  #lifetime = new Lifetime();

  /** An operation on the current connection, awaited until it settles or the connection is replaced. */
  #op<T>(op: Promise<T>): Promise<T | undefined> {
    return untilEnded(op, this.#lifetime);
  }
  /** Remote offers applied so far: an offer of ours created before one of them is stale. */
  #remoteOffers = 0;
  /** Gathered candidates go out at once (else they wait in `#outgoing`): see `#sendDescription`. */
  #candidatesGo = false;
  #outgoing: NonNullable<CandidateInit>[] = [];

  /** Sends an offer or answer, then the candidates gathered before it. */
  #sendDescription(data: Extract<SignalData, { kind: "offer" | "answer" }>): void {
    this.#opts.sendSignal(data);
    // an offerer on a stack that needs it keeps its candidates until the answer is set (see RtcImplementation)
    if (data.kind === "answer" || !this.#opts.rtc.offerCandidatesAfterAnswer) this.#releaseCandidates();
  }

  /** Holds the offerer's candidates past the answer (see `RtcImplementation.offerCandidatesAfterIceMs`). */
  #holdTimer: ReturnType<typeof setTimeout> | undefined;

  /** The answer is set: the candidates go now, or once our ICE is connected (bounded) when the peer is the DTLS client. */
  #afterAnswer(pc: RTCPeerConnection, answerSdp: string): void {
    const holdMs = this.#opts.rtc.offerCandidatesAfterIceMs ?? 0;
    if (
      this.#candidatesGo ||
      holdMs <= 0 ||
      !answerIsDtlsClient(answerSdp) ||
      iceSettled(pc.iceConnectionState)
    ) {
      this.#releaseCandidates();
      return;
    }
    // this connection's own timer: a late event of a replaced connection must not clear the next one's
    let timer: ReturnType<typeof setTimeout> | undefined;
    const release = () => {
      clearTimeout(timer);
      pc.removeEventListener("iceconnectionstatechange", onState);
      if (pc === this.#pc && !this.#closed && !this.#candidatesGo) this.#releaseCandidates();
    };
    const onState = () => {
      if (iceSettled(pc.iceConnectionState)) release();
    };
    pc.addEventListener("iceconnectionstatechange", onState);
    clearTimeout(this.#holdTimer);
    this.#holdTimer = timer = setTimeout(release, holdMs);
  }

  /** Sends the candidates gathered so far; later ones go as they come. */
  #releaseCandidates(): void {
    clearTimeout(this.#holdTimer);
    this.#candidatesGo = true;
    for (const candidate of this.#outgoing.splice(0)) this.#opts.sendSignal({ kind: "candidate", candidate });
  }

  /** Resolves a collision on the polite side in place: false when a new peer connection is needed. */
  async #rollback(): Promise<boolean> {
    const how = collisionResolution({
      connectedOnce: this.#connectedOnce,
      canRenegotiate: this.#opts.rtc.canRenegotiate !== false,
      signalingState: this.#pc.signalingState,
    });
    if (how !== "rollback") return how === "keep";
    try {
      await this.#op(this.#pc.setLocalDescription({ type: "rollback" }));
      return this.#pc.signalingState === "stable";
    } catch {
      return false;
    }
  }

  async #remoteSet(): Promise<void> {
    this.#haveRemote = true;
    for (const c of this.#queue.drain()) await this.#addCandidate(c);
  }

  async #addCandidate(c: NonNullable<CandidateInit>): Promise<void> {
    try {
      await this.#op(this.#pc.addIceCandidate(c));
    } catch {
      // a candidate of an older description (after a restart) or one the stack cannot use: ignore it
    }
  }

  /** Climbs the recovery ladder; the impolite side drives it, the polite side asks with `ice-restart`. */
  #recover(reason: string): void {
    if (this.#closed || this.#restarting) return;
    this.#directPhase = false;
    if (this.#opts.polite && this.#connectedOnce) {
      this.#opts.sendSignal({ kind: "ice-restart" });
      this.#arm(this.#opts.connectTimeoutMs ?? 20_000, "timeout");
      return;
    }
    const hasRelay = this.#opts
      .iceServers()
      .some((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => u.startsWith("turn")));
    const step = nextRecovery(this.#recoveries++, {
      canRestartIce: this.#opts.rtc.canRenegotiate !== false && this.#connectedOnce,
      relayOnly: this.#relayOnly,
      hasRelay,
    });
    if (step === "give-up") {
      const code = !hasRelay && !this.#connectedOnce ? "turn_unavailable" : "ice_failed";
      this.#fail(new SwitchboardError(code, reason, { peerId: this.remoteId }));
      return;
    }
    if (step === "restart-ice") {
      // One restart at a time: our own timer and the polite peer's request may both ask for it.
      this.#restarting = true;
      this.#arm(this.#opts.connectTimeoutMs ?? 20_000, "timeout");
      // restartIce() makes the stack ask for negotiation: that offer (above) carries the restart.
      this.#restartPending = true;
      this.#pc.restartIce();
      return;
    }
    if (step === "recreate-relay") this.#relayOnly = true;
    this.#teardown();
    this.#create();
    this.initiate(true);
  }

  #teardown(): void {
    const pc = this.#pc;
    clearTimeout(this.#holdTimer);
    this.#lifetime.end(); // its pending operations may never settle now
    pc.onicecandidate = pc.ondatachannel = pc.onconnectionstatechange = pc.onnegotiationneeded = null;
    pc.ontrack = null;
    this.#channelOpen = false;
    for (const dc of this.#channels) {
      try {
        dc.close();
      } catch {
        // already closed
      }
    }
    this.#channels = new Set();
    try {
      pc.close();
    } catch {
      // already closed
    }
  }

  #fail(err: unknown): void {
    if (this.#closed) return;
    const e =
      err instanceof SwitchboardError
        ? err
        : new SwitchboardError("ice_failed", err instanceof Error ? err.message : String(err), {
            peerId: this.remoteId,
          });
    const setupMs = this.#started ? Date.now() - this.#started : 0;
    this.close();
    this.#opts.onFailed(e, setupMs);
  }
}
