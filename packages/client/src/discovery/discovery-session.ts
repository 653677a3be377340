import type { PeerInfo, ServerMessage, ServerMessageOf, SignalData } from "@switchboard/protocol";
import { fromBase64Url } from "../crypto/base64url.js";
import { generateKeyPair, type SigningKeyPair } from "../crypto/signing.js";
import { SwitchboardError } from "../errors.js";
import type { Outgoing, Welcome } from "../signaling/session.js";
import type { SignalingState } from "../signaling/state.js";
import { batchSignals, type DiscoveryFrame, type HelloFrame } from "./frame.js";
import { meetingFrameKey, meetingInfoHash, peerIdOfKey } from "./meeting-keys.js";
import { openFrame, sealFrame, type SealContext } from "./seal.js";
import type { SignalingTransport } from "../signaling/transport.js";
import type { PeerWire } from "./transport.js";

export interface DiscoverySessionOptions {
  readonly wire: PeerWire;
  /** Display name in hellos (default "peer"). */
  readonly name?: string;
  /** How long `join` collects peers before it answers `joined` (later ones arrive as `peer.joined`), ms. */
  readonly joinWindowMs?: number;
  /** Deadline for the wire to reach a tracker or DHT node, ms. */
  readonly openTimeoutMs?: number;
  /** How often an `alive` frame goes to every known peer, ms. */
  readonly aliveIntervalMs?: number;
  /** A peer not heard from for this long has left (`peer.left` "disconnected"), ms. */
  readonly peerTimeoutMs?: number;
  readonly onMessage: (msg: ServerMessage) => void;
  readonly onState: (state: SignalingState) => void;
}

interface KnownPeer {
  info: PeerInfo;
  via: string;
  readonly key: CryptoKey;
  lastSeen: number;
  queue: SignalData[];
  flushing: boolean;
}

/** Requests that need a signaling server: host controls, server chat, the lobby. */
const NEEDS_SIGNALING = new Set([
  "chat",
  "lobby.admit",
  "lobby.deny",
  "kick",
  "mute.request",
  "room.lock",
  "room.end",
]);
const MEETING = {
  maxParticipants: 10_000,
  requireApproval: false,
  allowedEmailDomains: [] as string[],
  locked: false,
  // No server enforces anything here: chat goes over the data channels, screen share is the peers' own.
  isChatEnabled: true,
  isScreenShareEnabled: true,
  isRecordingEnabled: false,
};
/** Frames waiting to be opened at most; more are dropped (a flood cannot grow memory). */
const MAX_INBOX = 256;
/** Nonces remembered to drop replays and the copies that arrive through a second tracker. */
const NONCE_MEMORY = 4096;
/** Signals queued for one peer at most while its frames are sealed. */
const MAX_QUEUED_SIGNALS = 256;

/**
 * The signaling transport without a signaling server: one meeting, peers found through a `PeerWire` (a tracker's
 * offer/answer relay or the DHT), every frame signed by its sender and encrypted under the meeting code. It speaks
 * the facade's language (server messages), so `SwitchboardClient` works unchanged; what only a server can do
 * (stamped chat history, lobby, host controls) is refused with `unsupported_without_signaling`.
 */
export class DiscoverySession implements SignalingTransport {
  readonly #o: DiscoverySessionOptions;
  #state: SignalingState = "connecting";
  #welcome: Welcome | undefined;
  #keys: SigningKeyPair | undefined;
  #selfId = "";
  #room:
    | {
        id: string;
        ctx: SealContext;
        self: PeerInfo;
        /** Peers found during the join window (they go into `joined`); undefined once it has been sent. */
        collecting: PeerInfo[] | undefined;
        /** Signals that arrived during the join window: delivered right after `joined`, so none precedes it. */
        held: ServerMessage[];
      }
    | undefined;
  readonly #peers = new Map<string, KnownPeer>();
  readonly #nonces = new Set<string>();
  #inbox: Promise<void> = Promise.resolve();
  #inboxSize = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: DiscoverySessionOptions) {
    this.#o = opts;
  }

  get state(): SignalingState {
    return this.#state;
  }

  get welcome(): Welcome | undefined {
    return this.#welcome;
  }

  /** The lower id opens the connection (it is the impolite side: its offer wins a collision anyway). */
  initiatesTo(peerId: string): boolean {
    return this.#selfId < peerId;
  }

  /** Makes this session's key pair; the peer id is the hash of its public key. */
  async start(): Promise<Welcome> {
    this.#keys = await generateKeyPair();
    this.#selfId = await peerIdOfKey(fromBase64Url(this.#keys.publicKeySpki));
    this.#welcome = {
      v: 1,
      type: "welcome",
      sessionId: this.#selfId,
      resumeToken: "",
      resumeGraceMs: 0,
      resumed: false,
      rooms: [],
      iceServers: [],
      limits: { maxFrameBytes: 16_384, messagesPerSecond: 20, maxRooms: 1, idleTimeoutMs: 0 },
    };
    this.#setState("open");
    return this.#welcome;
  }

  async request(msg: Outgoing): Promise<ServerMessage> {
    if (this.#state === "closed") throw new SwitchboardError("signaling_closed", "discovery session closed");
    switch (msg.type) {
      case "join":
        return this.#join(msg.roomId, msg.name);
      case "leave":
        await this.#leave();
        return { v: 1, type: "ack", id: "0" };
      case "ping":
        return { v: 1, type: "pong", ts: Date.now() };
      case "signal":
      case "report":
      case "update":
        this.send(msg);
        return { v: 1, type: "ack", id: "0" };
      default:
        throw new SwitchboardError(
          "unsupported_without_signaling",
          `"${msg.type}" needs a signaling server (discovery: ${this.#o.wire.kind})`,
        );
    }
  }

  send(msg: Outgoing): void {
    if (msg.type !== "signal") {
      if (NEEDS_SIGNALING.has(msg.type)) this.#warn(`"${msg.type}" needs a signaling server: not sent`);
      return; // reports and media-state updates have no one to go to
    }
    const peer = this.#peers.get(msg.to);
    if (!peer || peer.queue.length >= MAX_QUEUED_SIGNALS) return;
    peer.queue.push(msg.data);
    if (!peer.flushing) {
      peer.flushing = true;
      // Candidates trickle in bursts: one frame per burst spares the tracker's rate limit.
      setTimeout(() => void this.#flush(peer), 25);
    }
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    await this.#leave().catch(() => undefined);
    this.#setState("closed");
  }

  dropConnection(): void {}

  async #join(roomId: string, name: string | undefined): Promise<ServerMessageOf<"joined">> {
    if (this.#room) {
      const code = this.#room.id === roomId ? "already_joined" : "too_many_rooms";
      throw new SwitchboardError(code, "one meeting per client without signaling");
    }
    const [infoHash, key] = await Promise.all([meetingInfoHash(roomId), meetingFrameKey(roomId)]);
    const self: PeerInfo = {
      peerId: this.#selfId,
      name: name ?? this.#o.name ?? "peer",
      role: "guest",
      state: { audio: false, video: false, screen: false },
      joinedAt: Date.now(),
    };
    this.#room = {
      id: roomId,
      ctx: { key, infoHash: new Uint8Array(infoHash) },
      self,
      collecting: [],
      held: [],
    };
    const opened = this.#o.wire.open(infoHash, this.#selfId, {
      onFrame: (via, sealed) => this.#receive(via, sealed),
      hello: () => this.#seal({ ...this.#hello(false) }),
      onWarning: (m) => this.#warn(m),
    });
    opened.catch(() => undefined); // a rejection after the deadline is already answered below
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        opened,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no ${this.#o.wire.kind === "dht" ? "DHT node" : "tracker"} answered`)),
            this.#o.openTimeoutMs ?? 10_000,
          );
        }),
      ]);
    } catch (err) {
      this.#room = undefined;
      await this.#o.wire.close().catch(() => undefined);
      throw new SwitchboardError("discovery_unreachable", err instanceof Error ? err.message : String(err), {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
    await new Promise((r) => setTimeout(r, this.#o.joinWindowMs ?? 2000));
    if (this.#room?.id !== roomId) throw new SwitchboardError("not_in_room", "left while joining");
    const peers = this.#room.collecting ?? [];
    this.#room.collecting = undefined;
    const aliveMs = this.#o.aliveIntervalMs ?? 15_000;
    this.#timer = setInterval(() => this.#tick(), aliveMs);
    const joined: ServerMessageOf<"joined"> = {
      v: 1,
      type: "joined",
      roomId,
      self,
      peers,
      chat: [],
      settings: { ...MEETING, allowedEmailDomains: [] },
    };
    this.#o.onMessage(joined);
    for (const m of this.#room.held.splice(0)) this.#o.onMessage(m);
    return joined;
  }

  async #leave(): Promise<void> {
    const room = this.#room;
    if (!room) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled([...this.#peers.values()].map((p) => this.#sendTo(p, this.#frame("bye"))));
    this.#peers.clear();
    this.#room = undefined;
    await this.#o.wire.close();
  }

  #hello(ack: boolean): DiscoveryFrame {
    const self = this.#room?.self;
    return {
      t: "hello",
      from: this.#selfId,
      key: this.#keys?.publicKeySpki ?? "",
      name: self?.name ?? "peer",
      ack,
      joinedAt: self?.joinedAt ?? Date.now(),
    };
  }

  #frame(t: "alive" | "bye"): DiscoveryFrame {
    return { t, from: this.#selfId };
  }

  #seal(frame: DiscoveryFrame): Promise<string> {
    const room = this.#room;
    if (!room || !this.#keys) return Promise.reject(new Error("not in a meeting"));
    return sealFrame(room.ctx, this.#keys, frame);
  }

  async #sendTo(peer: KnownPeer, frame: DiscoveryFrame): Promise<void> {
    this.#o.wire.send(peer.via, await this.#seal(frame));
  }

  async #flush(peer: KnownPeer): Promise<void> {
    try {
      while (peer.queue.length > 0) {
        const signals = peer.queue.splice(0);
        const { batches, dropped } = batchSignals(signals);
        if (dropped > 0) this.#warn(`${dropped} signal(s) too large for discovery frames: dropped`);
        for (const data of batches)
          await this.#sendTo(peer, { t: "signal", from: this.#selfId, to: peer.info.peerId, data });
      }
    } catch (err) {
      this.#warn(`signal not sent: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      peer.flushing = false;
    }
  }

  /** Frames are opened one at a time, in arrival order (an offer before its candidates). */
  #receive(via: string, sealed: string): void {
    if (this.#inboxSize >= MAX_INBOX) return;
    this.#inboxSize++;
    this.#inbox = this.#inbox
      .then(() => this.#handle(via, sealed))
      .catch((err: unknown) => this.#warn(`frame dropped: ${String(err)}`))
      .finally(() => this.#inboxSize--);
  }

  async #handle(via: string, sealed: string): Promise<void> {
    const room = this.#room;
    if (!room) return;
    const opened = await openFrame(room.ctx, sealed, this.#selfId, (id) => this.#peers.get(id)?.key);
    if (!opened || this.#room !== room || this.#nonces.has(opened.nonce)) return;
    this.#remember(opened.nonce);
    const f = opened.body.f;
    const known = this.#peers.get(f.from);
    if (known) {
      known.lastSeen = Date.now();
      known.via = via;
    }
    switch (f.t) {
      case "hello": {
        if (!known && opened.key) this.#add(f, opened.key, via);
        const peer = this.#peers.get(f.from);
        if (!f.ack && peer) await this.#sendTo(peer, this.#hello(true));
        return;
      }
      case "signal":
        for (const data of f.data) {
          const m: ServerMessage = { v: 1, type: "signal", roomId: room.id, from: f.from, data };
          if (!room.collecting) this.#o.onMessage(m);
          else if (room.held.length < MAX_QUEUED_SIGNALS) room.held.push(m);
        }
        return;
      case "bye":
        if (known) this.#remove(f.from, "left");
        return;
      case "alive":
        return;
    }
  }

  #add(f: HelloFrame, key: CryptoKey, via: string): void {
    const room = this.#room;
    if (!room) return;
    const info: PeerInfo = {
      peerId: f.from,
      name: f.name,
      role: "guest",
      state: { audio: false, video: false, screen: false },
      joinedAt: f.joinedAt,
    };
    this.#peers.set(f.from, { info, via, key, lastSeen: Date.now(), queue: [], flushing: false });
    if (room.collecting) room.collecting.push(info);
    else this.#o.onMessage({ v: 1, type: "peer.joined", roomId: room.id, peer: info });
  }

  #remove(peerId: string, reason: "left" | "disconnected"): void {
    const room = this.#room;
    if (!room || !this.#peers.delete(peerId)) return;
    if (room.collecting) room.collecting = room.collecting.filter((p) => p.peerId !== peerId);
    else this.#o.onMessage({ v: 1, type: "peer.left", roomId: room.id, peerId, reason });
  }

  #tick(): void {
    const now = Date.now();
    const timeout = this.#o.peerTimeoutMs ?? 45_000;
    for (const [id, p] of this.#peers) {
      if (now - p.lastSeen > timeout) this.#remove(id, "disconnected");
      else void this.#sendTo(p, this.#frame("alive")).catch(() => undefined);
    }
  }

  #remember(nonce: string): void {
    this.#nonces.add(nonce);
    if (this.#nonces.size > NONCE_MEMORY) {
      const oldest = this.#nonces.values().next().value;
      if (oldest !== undefined) this.#nonces.delete(oldest);
    }
  }

  #warn(message: string): void {
    this.#o.onMessage({
      v: 1,
      type: "error",
      code: "unavailable",
      message: `discovery: ${message}`,
      retryable: true,
    });
  }

  #setState(state: SignalingState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#o.onState(state);
  }
}
