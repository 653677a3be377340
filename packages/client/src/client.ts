import type { IceServer, PeerInfo, ServerMessage, ServerMessageOf } from "@switchboard/protocol";
import type { PeerChannel } from "./channel/peer-channel.js";
import type { SdkFrame } from "./channel/sdk-frame.js";
import { ChatLog, fromEntry } from "./chat/chat-log.js";
import { SessionSigner } from "./crypto/sdp-signer.js";
import type { SigningKeyPair } from "./crypto/signing.js";
import { ChatError, SwitchboardError, toSwitchboardError } from "./errors.js";
import { TypedEmitter, type ChatItem, type ClientEventMap, type ConnectionInfo } from "./events.js";
import { HostControls } from "./host/host-controls.js";
import { LocalMedia, type MediaState } from "./media/local-media.js";
import { Connections, type ConnectionStats } from "./peer/connections.js";
import type { RtcImplementation } from "./peer/rtc.js";
import { Roster, type RoomPeer } from "./room/roster.js";
import type { BackoffPolicy } from "./signaling/backoff.js";
import { SignalingSession, type Welcome } from "./signaling/session.js";
import type { SignalingState } from "./signaling/state.js";
import type { WebSocketConstructor } from "./signaling/websocket.js";
import { WritableStore, type Readable } from "./stores.js";

/** How long a rejoined client waits for connected peers to announce their new ids, ms. */
const RENAME_GRACE_MS = 2000;

export interface ClientOptions {
  readonly signalingUrl: string;
  /** The meeting `discoverPeers()` joins when called without an argument. */
  readonly meetingCode?: string;
  /** Display name. */
  readonly name?: string;
  /** JWT for `hello`. */
  readonly token?: string;
  /** The host key `POST /api/meetings` returned: joins (and rejoins) as host. */
  readonly hostKey?: string;
  /** WebRTC: browsers pass `globalThis`, Node passes `nodeRtc()`. */
  readonly rtc: RtcImplementation;
  /** Default: `rtc.WebSocket`, else `globalThis.WebSocket`. */
  readonly WebSocket?: WebSocketConstructor;
  /** Extra ICE servers, added to those from `welcome`. */
  readonly iceServers?: RTCIceServer[];
  readonly iceTransportPolicy?: "all" | "relay";
  /** ECDSA P-256 signed offers/answers; `keys` to bring your own pair (default: a fresh one). */
  readonly signing?: { readonly enabled: boolean; readonly keys?: SigningKeyPair };
  /** Connect to every peer found on joining (default true). */
  readonly autoConnect?: boolean;
  readonly backoff?: BackoffPolicy;
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

export interface SessionSnapshot {
  readonly state: SignalingState;
  readonly sessionId: string | undefined;
  readonly rooms: readonly string[];
  readonly iceServers: readonly IceServer[];
}

export interface HealthReport {
  readonly signaling: SignalingState;
  readonly sessionId: string | undefined;
  readonly iceServers: readonly string[];
  readonly turnConfigured: boolean;
  readonly connections: readonly ConnectionStats[];
}

/**
 * The SDK's facade: join a meeting by code, find peers, connect, send, chat. It wires the modules
 * (signaling session, peer connections, chat log, media, stores) and keeps no protocol logic of its own.
 */
export class SwitchboardClient {
  readonly #opts: ClientOptions;
  readonly #events = new TypedEmitter<ClientEventMap>();
  readonly #session: SignalingSession;
  readonly #roster = new Roster();
  readonly #chat = new ChatLog();
  readonly #connections: Connections;
  #signer: SessionSigner | undefined;
  #chatSeq = 0;
  readonly host: HostControls;
  readonly media: LocalMedia;
  readonly stores: {
    readonly session: Readable<SessionSnapshot>;
    readonly peers: Readable<readonly RoomPeer[]>;
    readonly connections: Readable<readonly ConnectionInfo[]>;
    readonly chat: Readable<{ readonly items: readonly ChatItem[]; readonly unread: number }>;
    readonly media: Readable<MediaState>;
  };
  readonly #stores = {
    session: new WritableStore<SessionSnapshot>({
      state: "connecting",
      sessionId: undefined,
      rooms: [],
      iceServers: [],
    }),
    peers: new WritableStore<readonly RoomPeer[]>([]),
    connections: new WritableStore<readonly ConnectionInfo[]>([]),
    chat: new WritableStore<{ readonly items: readonly ChatItem[]; readonly unread: number }>({
      items: [],
      unread: 0,
    }),
    media: new WritableStore<MediaState>({
      stream: null,
      screen: null,
      state: { audio: false, video: false, screen: false },
    }),
  };

  constructor(opts: ClientOptions) {
    if (!/^wss?:\/\//.test(opts.signalingUrl))
      throw new SwitchboardError(
        "invalid_argument",
        `signalingUrl must be ws:// or wss://, got ${opts.signalingUrl}`,
      );
    this.#opts = opts;
    this.stores = this.#stores;
    const WebSocketImpl =
      opts.WebSocket ?? opts.rtc.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketImpl)
      throw new SwitchboardError("invalid_argument", "no WebSocket: pass one (Node: nodeRtc())");
    this.#session = new SignalingSession({
      url: opts.signalingUrl,
      WebSocket: WebSocketImpl,
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
      onMessage: (m) => this.#onServer(m),
      onState: (state) => {
        this.#syncSession();
        this.#events.emit("signalingState", { state });
      },
      onNewSession: (w, prev) => this.#rejoin(w, prev),
    });
    this.#connections = new Connections({
      rtc: opts.rtc,
      selfId: () => this.#session.welcome?.sessionId ?? "",
      iceServers: () => this.#iceServers(),
      relayOnly: opts.iceTransportPolicy === "relay",
      signer: () => this.#signer,
      sendSignal: (to, roomId, data) => this.#session.send({ type: "signal", roomId, to, data }),
      onEstablished: (info, iceRestart) => {
        this.#session.send({
          type: "report",
          outcome: "connected",
          method: info.method,
          setupMs: Math.round(info.setupMs),
          iceRestart,
        });
        this.#syncConnections();
        this.#sendMedia();
        this.#events.emit("connectionEstablished", info);
      },
      onClosed: (peerId, reason, err, setupMs) => {
        if (err) {
          const r = reason.replaceAll("_", "-").slice(0, 32);
          this.#session.send({
            type: "report",
            outcome: "failed",
            setupMs: Math.round(setupMs ?? 0),
            reason: r,
          });
          this.#events.emit("error", err);
        }
        this.#syncConnections();
        this.#events.emit("connectionClosed", { peerId, reason });
      },
      onFrame: (peerId, frame) => this.#onFrame(peerId, frame),
      onTrack: (peerId, track, streams) => this.#events.emit("track", { peerId, track, streams }),
      onError: (err) => this.#events.emit("error", err),
      ...(opts.connectTimeoutMs ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
    });
    this.host = new HostControls((m) => this.#session.request(m));
    this.media = new LocalMedia({
      senders: () => this.#connections.senders(),
      onChange: (m) => {
        this.#stores.media.set(m);
        this.#sendMedia();
        for (const roomId of this.#roster.rooms)
          this.#session.send({ type: "update", roomId, state: m.state });
      },
    });
  }

  /** Adds an event listener; returns the function that removes it. */
  on<K extends keyof ClientEventMap>(name: K, fn: (payload: ClientEventMap[K]) => void): () => void {
    return this.#events.on(name, fn);
  }

  off<K extends keyof ClientEventMap>(name: K, fn: (payload: ClientEventMap[K]) => void): void {
    this.#events.off(name, fn);
  }

  once<K extends keyof ClientEventMap>(name: K, fn: (payload: ClientEventMap[K]) => void): () => void {
    return this.#events.once(name, fn);
  }

  /** This client's session id (its peer id for the others), once initialized. */
  get peerId(): string | undefined {
    return this.#session.welcome?.sessionId;
  }

  get signalingState(): SignalingState {
    return this.#session.state;
  }

  /** Connects to signaling, says hello and keeps the ICE servers from `welcome`. */
  async initializeNode(): Promise<Welcome> {
    if (this.#opts.signing?.enabled)
      this.#signer = await SessionSigner.create(
        () => this.#session.welcome?.sessionId ?? "",
        this.#opts.signing.keys,
      );
    const welcome = await this.#session.start();
    if (this.#opts.iceTransportPolicy === "relay" && !this.#hasTurn()) {
      await this.#session.close();
      throw new SwitchboardError(
        "turn_unavailable",
        "relay-only was asked but signaling gives no TURN server",
      );
    }
    this.#syncSession();
    return welcome;
  }

  /** Joins the meeting by code and resolves with the peers already there (after a lobby, if any). */
  async discoverPeers(meetingCode = this.#opts.meetingCode): Promise<PeerInfo[]> {
    if (!meetingCode) throw new SwitchboardError("invalid_argument", "no meeting code");
    const joined = await this.#join(meetingCode);
    return joined.peers;
  }

  /** Connects to a peer; resolves when the SDK's data channel is open. */
  connectToPeer(peerId: string): Promise<ConnectionInfo> {
    const roomId = this.#roster.roomOf(peerId);
    if (!roomId) return Promise.reject(new SwitchboardError("unknown_peer", peerId, { peerId }));
    return this.#connections.connect(peerId, roomId);
  }

  /** Sends on the SDK's channel to one peer; resolves once accepted (backpressure). */
  send(peerId: string, data: string | Uint8Array): Promise<void> {
    return this.#connections.send(peerId, data);
  }

  /** Sends to every connected peer. */
  async broadcast(data: string | Uint8Array): Promise<void> {
    await Promise.all(this.#connections.connectedPeers().map((p) => this.#connections.send(p, data)));
  }

  openChannel(peerId: string, label: string): Promise<PeerChannel> {
    return this.#connections.openChannel(peerId, label);
  }

  /** Handles channels with this label that peers open; returns the function that stops it. */
  onChannel(label: string, fn: (ch: PeerChannel) => void): () => void {
    return this.#connections.onChannel(label, fn);
  }

  /**
   * Sends a chat message to the room: over the data channels when every peer there is connected, else through
   * signaling (resolved by its `ack`). Rejects with a ChatError when it cannot be delivered.
   */
  async sendChat(text: string, roomId = this.#roster.rooms[0]): Promise<ChatItem | undefined> {
    if (!roomId) throw new ChatError("not_in_room", "join a meeting first");
    const self = this.peerId ?? "";
    const others = this.#roster.peers(roomId).filter((p) => p.peerId !== self);
    const connected = new Set(this.#connections.connectedPeers());
    if (others.length > 0 && others.every((p) => connected.has(p.peerId))) {
      const item: ChatItem = {
        id: `p:${self}:${++this.#chatSeq}`,
        roomId,
        from: self,
        name: this.#opts.name ?? "peer",
        text,
        ts: Date.now(),
        self: true,
        via: "channel",
      };
      try {
        await Promise.all(
          others.map((p) =>
            this.#connections.sendFrame(p.peerId, {
              t: "chat",
              id: item.id,
              roomId,
              name: item.name,
              text,
              ts: item.ts,
            }),
          ),
        );
      } catch (err) {
        throw new ChatError(toSwitchboardError(err, "not_connected").code, "chat not delivered", {
          cause: err,
        });
      }
      this.#addChat(item);
      return item;
    }
    try {
      await this.#session.request({ type: "chat", roomId, text });
    } catch (err) {
      throw new ChatError(toSwitchboardError(err, "signaling_unreachable").code, "chat not delivered", {
        cause: err,
      });
    }
    return undefined; // the stamped copy arrives as a `chat` event
  }

  markChatRead(): void {
    this.#chat.markRead();
    this.#stores.chat.set({ items: this.#chat.items, unread: 0 });
  }

  /** Media state change (mute, camera, screen) for the others, sent with `update`. */
  async updateState(patch: { audio?: boolean; video?: boolean; screen?: boolean }): Promise<void> {
    await Promise.all(
      this.#roster.rooms.map((roomId) => this.#session.request({ type: "update", roomId, state: patch })),
    );
  }

  async leave(roomId: string): Promise<void> {
    await this.#session.request({ type: "leave", roomId });
    for (const p of this.#roster.peers(roomId)) this.#connections.close(p.peerId, "left");
    this.#roster.removeRoom(roomId);
    this.#syncPeers();
  }

  getStats(): Promise<ConnectionStats[]> {
    return this.#connections.stats();
  }

  async healthCheck(): Promise<HealthReport> {
    const ice = this.#iceServers();
    return {
      signaling: this.#session.state,
      sessionId: this.peerId,
      iceServers: ice.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls])),
      turnConfigured: this.#hasTurn(),
      connections: await this.#connections.stats(),
    };
  }

  /** Closes every connection and the signaling session. */
  async disconnect(): Promise<void> {
    this.#connections.closeAll("disconnect");
    await this.#session.close();
    this.#syncSession();
  }

  /** Simulates a network cut of the signaling WebSocket (the session then resumes by itself). */
  dropSignaling(): void {
    this.#session.dropConnection();
  }

  async #join(roomId: string): Promise<ServerMessageOf<"joined">> {
    const joined = new Promise<ServerMessageOf<"joined">>((resolve) => {
      const off = this.#events.on("joined", (j) => {
        if (j.roomId !== roomId) return;
        off();
        resolve(j as unknown as ServerMessageOf<"joined">);
      });
    });
    const reply = await this.#session.request({
      type: "join",
      roomId,
      ...(this.#opts.name ? { name: this.#opts.name } : {}),
      ...(this.#opts.hostKey ? { hostKey: this.#opts.hostKey } : {}),
      // Media opened before joining is shown to the room from the start.
      state: this.media.state.state,
    });
    if (reply.type === "joined") return reply;
    return joined; // lobby: `joined` comes once a host admits
  }

  async #rejoin(welcome: Welcome, previous: Welcome): Promise<void> {
    // Tell connected peers our new id first, so they keep the connection under it.
    await Promise.allSettled(
      this.#connections
        .connectedPeers()
        .map((p) => this.#connections.sendFrame(p, { t: "id", sessionId: welcome.sessionId })),
    );
    this.#signer?.pins.rename(previous.sessionId, welcome.sessionId);
    this.#syncSession();
    for (const roomId of this.#roster.rooms) {
      try {
        await this.#join(roomId);
      } catch (err) {
        this.#events.emit("error", toSwitchboardError(err, "signaling_unreachable"));
      }
    }
  }

  #onServer(m: ServerMessage): void {
    switch (m.type) {
      case "joined": {
        this.#roster.setRoom(m.roomId, m.peers);
        for (const e of m.chat) this.#chat.add(fromEntry(e, m.self.peerId), { history: true });
        this.#syncChat();
        this.#syncPeers();
        this.#syncSession();
        this.#events.emit("joined", { roomId: m.roomId, self: m.self, peers: m.peers, settings: m.settings });
        for (const p of m.peers) this.#events.emit("peerDiscovered", { ...p, roomId: m.roomId });
        if (this.#opts.autoConnect === false) return;
        // After a rejoin, connected peers not listed yet may be the listed ones under new ids: give their
        // `id` frames a moment before connecting a second time.
        const listed = new Set(m.peers.map((p) => p.peerId));
        const renamesDue = this.#connections.connectedPeers().some((id) => !listed.has(id));
        const connectAll = () => {
          for (const p of m.peers)
            if (this.#roster.roomOf(p.peerId) === m.roomId && !this.#connections.has(p.peerId))
              this.#connections.connect(p.peerId, m.roomId).catch((err: unknown) => this.#emitError(err));
        };
        if (renamesDue) setTimeout(connectAll, RENAME_GRACE_MS);
        else connectAll();
        return;
      }
      case "peer.joined":
        if (this.#roster.upsert(m.roomId, m.peer)) {
          this.#syncPeers();
          this.#events.emit("peerDiscovered", { ...m.peer, roomId: m.roomId });
        }
        return; // the newcomer connects to those already there
      case "peer.updated":
        this.#roster.upsert(m.roomId, m.peer);
        this.#syncPeers();
        this.#events.emit("peerUpdated", { ...m.peer, roomId: m.roomId });
        return;
      case "peer.left":
        this.#roster.remove(m.roomId, m.peerId);
        this.#connections.close(m.peerId, m.reason);
        this.#syncPeers();
        this.#events.emit("peerLeft", { peerId: m.peerId, roomId: m.roomId, reason: m.reason });
        return;
      case "signal":
        this.#connections.handleSignal(m.from, m.roomId, m.data);
        return;
      case "chat":
        this.#addChat(fromEntry(m.entry, this.peerId ?? ""));
        return;
      case "lobby.waiting":
        this.#events.emit("lobbyWaiting", { roomId: m.roomId });
        return;
      case "lobby.request":
        this.#events.emit("lobbyRequest", { roomId: m.roomId, peer: m.peer });
        return;
      case "lobby.denied":
        this.#events.emit("lobbyDenied", { roomId: m.roomId });
        return;
      case "kicked":
        this.#leftRoom(m.roomId, "kicked");
        this.#events.emit("kicked", { roomId: m.roomId, by: m.by });
        return;
      case "mute.requested":
        this.#events.emit("muteRequested", { roomId: m.roomId, by: m.by, kind: m.kind });
        return;
      case "room.updated":
        this.#events.emit("roomUpdated", { roomId: m.roomId, settings: m.settings });
        return;
      case "room.ended":
        this.#leftRoom(m.roomId, "ended");
        this.#events.emit("roomEnded", { roomId: m.roomId });
        return;
      case "error":
        // Signals go without an id; `unknown_peer` answers one that raced its target's leaving (candidates or an
        // ICE restart sent before `peer.left` arrived): expected, and the link is closed by `peer.left`.
        if (m.id === undefined && m.code !== "unknown_peer")
          this.#events.emit("error", new SwitchboardError(m.code, m.message));
        return;
      default:
        return;
    }
  }

  #onFrame(peerId: string, frame: SdkFrame): void {
    if (frame.t === "data") this.#events.emit("message", { peerId, data: frame.data });
    else if (frame.t === "id") {
      this.#connections.rename(peerId, frame.sessionId);
      this.#roster.rename(peerId, frame.sessionId);
      this.#signer?.pins.rename(peerId, frame.sessionId);
      this.#syncPeers();
      this.#syncConnections();
      this.#events.emit("peerRenamed", { from: peerId, to: frame.sessionId });
    } else {
      this.#addChat({
        id: frame.id,
        roomId: frame.roomId,
        from: peerId,
        name: frame.name,
        text: frame.text,
        ts: frame.ts,
        self: false,
        via: "channel",
      });
    }
  }

  /** Local camera/microphone/screen tracks go to every connected peer (browsers). */
  #sendMedia(): void {
    const m = this.#stores.media.get();
    if (m.stream) this.#connections.addTracks(m.stream.getTracks(), m.stream);
    if (m.screen) this.#connections.addTracks(m.screen.getTracks(), m.screen);
  }

  #leftRoom(roomId: string, reason: string): void {
    for (const p of this.#roster.peers(roomId)) this.#connections.close(p.peerId, reason);
    this.#roster.removeRoom(roomId);
    this.#syncPeers();
  }

  #addChat(item: ChatItem): void {
    if (!this.#chat.add(item)) return;
    this.#syncChat();
    this.#events.emit("chat", item);
  }

  #emitError(err: unknown): void {
    const e = toSwitchboardError(err, "ice_failed");
    if (e.code !== "not_connected") this.#events.emit("error", e);
  }

  #iceServers(): RTCIceServer[] {
    return [...(this.#session.welcome?.iceServers ?? []), ...(this.#opts.iceServers ?? [])];
  }

  #hasTurn(): boolean {
    return this.#iceServers().some((s) =>
      (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/.test(u)),
    );
  }

  #syncSession(): void {
    this.#stores.session.set({
      state: this.#session.state,
      sessionId: this.peerId,
      rooms: this.#roster.rooms,
      iceServers: this.#session.welcome?.iceServers ?? [],
    });
  }

  #syncPeers(): void {
    this.#stores.peers.set(this.#roster.peers());
  }

  #syncConnections(): void {
    this.#stores.connections.set(
      this.#connections.connectedPeers().flatMap((p) => {
        const i = this.#connections.info(p);
        return i ? [i] : [];
      }),
    );
  }

  #syncChat(): void {
    this.#stores.chat.set({ items: [...this.#chat.items], unread: this.#chat.unread });
  }
}
