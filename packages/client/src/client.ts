import type { PeerInfo } from "@switchboard/protocol";
import type { PeerChannel } from "./channel/peer-channel.js";
import { sync, type ClientContext } from "./context.js";
import { SessionSigner } from "./crypto/sdp-signer.js";
import { SwitchboardError } from "./errors.js";
import type { ChatItem, ClientEventMap, ConnectionInfo } from "./events.js";
import type { HostControls } from "./host/host-controls.js";
import type { LocalMedia } from "./media/local-media.js";
import type { ClientOptions } from "./options.js";
import type { ConnectionStats } from "./peer/connections.js";
import { hasTurn, iceUrls } from "./peer/ice-servers.js";
import type { Welcome } from "./signaling/session.js";
import type { SignalingState } from "./signaling/state.js";
import type { ClientReadables } from "./state/client-stores.js";
import { wireClient, type ClientParts } from "./wiring.js";

export type { ClientOptions } from "./options.js";
export type { SessionSnapshot } from "./state/client-stores.js";

export interface HealthReport {
  readonly signaling: SignalingState;
  readonly sessionId: string | undefined;
  readonly iceServers: readonly string[];
  readonly turnConfigured: boolean;
  readonly connections: readonly ConnectionStats[];
}

/**
 * The SDK's facade: join a meeting by code, find peers, connect, send, chat. The modules it delegates to are
 * wired in `wiring.ts`; this class holds no logic of its own.
 */
export class SwitchboardClient {
  readonly #parts: ClientParts;
  readonly #ctx: ClientContext;
  readonly host: HostControls;
  readonly media: LocalMedia;
  readonly stores: ClientReadables;

  constructor(opts: ClientOptions) {
    this.#parts = wireClient(opts);
    this.#ctx = this.#parts.ctx;
    this.host = this.#parts.host;
    this.media = this.#parts.media;
    this.stores = this.#ctx.stores;
  }

  /** Adds an event listener; returns the function that removes it. */
  on<K extends keyof ClientEventMap>(name: K, fn: (payload: ClientEventMap[K]) => void): () => void {
    return this.#ctx.events.on(name, fn);
  }

  off<K extends keyof ClientEventMap>(name: K, fn: (payload: ClientEventMap[K]) => void): void {
    this.#ctx.events.off(name, fn);
  }

  once<K extends keyof ClientEventMap>(name: K, fn: (payload: ClientEventMap[K]) => void): () => void {
    return this.#ctx.events.once(name, fn);
  }

  /** This client's session id (its peer id for the others), once initialized. */
  get peerId(): string | undefined {
    return this.#ctx.session.welcome?.sessionId;
  }

  get signalingState(): SignalingState {
    return this.#ctx.session.state;
  }

  /** Connects to signaling, says hello and keeps the ICE servers from `welcome`. */
  async initializeNode(): Promise<Welcome> {
    const { opts, session } = this.#ctx;
    if (opts.signing?.enabled)
      this.#parts.setSigner(
        await SessionSigner.create(() => session.welcome?.sessionId ?? "", opts.signing.keys),
      );
    const welcome = await session.start();
    if (opts.iceTransportPolicy === "relay" && !hasTurn(this.#ctx.iceServers())) {
      await session.close();
      throw new SwitchboardError(
        "turn_unavailable",
        "relay-only was asked but signaling gives no TURN server",
      );
    }
    sync.session(this.#ctx);
    // The first thing a client does next is join and offer to the peers there: that offer is made now (resolves
    // once it is set, a few ms), and an answerer waits idle for peers that join later.
    const connections = this.#ctx.connections;
    if (opts.autoConnect !== false) connections.prepareOffer();
    connections.prepareIdle();
    await connections.offerReady();
    return welcome;
  }

  /** Joins the meeting by code and resolves with the peers already there (after a lobby, if any). */
  async discoverPeers(meetingCode = this.#ctx.opts.meetingCode): Promise<PeerInfo[]> {
    if (!meetingCode) throw new SwitchboardError("invalid_argument", "no meeting code");
    return (await this.#parts.meetings.join(meetingCode)).peers;
  }

  /** Connects to a peer; resolves when the SDK's data channel is open. */
  connectToPeer(peerId: string): Promise<ConnectionInfo> {
    const roomId = this.#ctx.roster.roomOf(peerId);
    if (!roomId) return Promise.reject(new SwitchboardError("unknown_peer", peerId, { peerId }));
    return this.#ctx.connections.connect(peerId, roomId);
  }

  /** Sends on the SDK's channel to one peer; resolves once accepted (backpressure). */
  send(peerId: string, data: string | Uint8Array): Promise<void> {
    return this.#ctx.connections.send(peerId, data);
  }

  /** Sends to every connected peer. */
  async broadcast(data: string | Uint8Array): Promise<void> {
    const c = this.#ctx.connections;
    await Promise.all(c.connectedPeers().map((p) => c.send(p, data)));
  }

  openChannel(peerId: string, label: string): Promise<PeerChannel> {
    return this.#ctx.connections.openChannel(peerId, label);
  }

  /** Handles channels with this label that peers open; returns the function that stops it. */
  onChannel(label: string, fn: (ch: PeerChannel) => void): () => void {
    return this.#ctx.connections.onChannel(label, fn);
  }

  /**
   * Sends a chat message to the room: over the data channels when every peer there is connected, else through
   * signaling (resolved by its `ack`; the stamped copy arrives as a `chat` event). Rejects with a ChatError when
   * it cannot be delivered.
   */
  sendChat(text: string, roomId = this.#ctx.roster.rooms[0]): Promise<ChatItem | undefined> {
    return this.#parts.chat.send(text, roomId);
  }

  markChatRead(): void {
    this.#parts.chat.markRead();
  }

  /** Media state change (mute, camera, screen) for the others, sent with `update`. */
  async updateState(patch: { audio?: boolean; video?: boolean; screen?: boolean }): Promise<void> {
    const { roster, session } = this.#ctx;
    await Promise.all(
      roster.rooms.map((roomId) => session.request({ type: "update", roomId, state: patch })),
    );
  }

  leave(roomId: string): Promise<void> {
    return this.#parts.meetings.leave(roomId);
  }

  getStats(): Promise<ConnectionStats[]> {
    return this.#ctx.connections.stats();
  }

  async healthCheck(): Promise<HealthReport> {
    const ice = this.#ctx.iceServers();
    return {
      signaling: this.#ctx.session.state,
      sessionId: this.peerId,
      iceServers: iceUrls(ice),
      turnConfigured: hasTurn(ice),
      connections: await this.#ctx.connections.stats(),
    };
  }

  /** Closes every connection and the signaling session. */
  async disconnect(): Promise<void> {
    this.#ctx.connections.closeAll("disconnect");
    this.#parts.flushReports();
    await this.#ctx.session.close();
    sync.session(this.#ctx);
  }

  /** Simulates a network cut of the signaling link (the session then resumes by itself). */
  dropSignaling(): void {
    this.#ctx.session.dropConnection();
  }
}
