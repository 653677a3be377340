import type { ConnectionMethod, MeetingSettings, PeerInfo } from "@switchboard/protocol";
import type { SwitchboardError } from "./errors.js";
import type { SignalingState } from "./signaling/state.js";

/** A connection to one peer, as `connectionEstablished` and `getStats()` describe it. */
export interface ConnectionInfo {
  readonly peerId: string;
  /** The local candidate type of the selected pair (confirmed from gathered candidates). */
  readonly method: ConnectionMethod;
  readonly rttMs?: number;
  /** From the first offer or answer to the SDK data channel open, ms. */
  readonly setupMs: number;
}

/** A chat message as the SDK shows it (from signaling or a data channel). */
export interface ChatItem {
  /** Unique: `s:<room>:<seq>` for server-stamped messages, `p:<sender>:<n>` for data-channel ones. */
  readonly id: string;
  readonly roomId: string;
  readonly from: string;
  readonly name: string;
  readonly text: string;
  readonly ts: number;
  readonly self: boolean;
  readonly via: "signaling" | "channel";
}

/** Every event the client emits, with its payload. */
export interface ClientEventMap {
  signalingState: { state: SignalingState };
  joined: { roomId: string; self: PeerInfo; peers: readonly PeerInfo[]; settings: MeetingSettings };
  peerDiscovered: PeerInfo & { roomId: string };
  peerUpdated: PeerInfo & { roomId: string };
  peerLeft: { peerId: string; roomId: string; reason: string };
  /** A connected peer rejoined after a signaling restart and now has a new id (the connection is kept). */
  peerRenamed: { from: string; to: string };
  connectionEstablished: ConnectionInfo;
  connectionClosed: { peerId: string; reason: string };
  message: { peerId: string; data: string | Uint8Array };
  /** A remote media track (browsers). */
  track: { peerId: string; track: MediaStreamTrack; streams: readonly MediaStream[] };
  chat: ChatItem;
  error: SwitchboardError;
  lobbyWaiting: { roomId: string };
  lobbyRequest: { roomId: string; peer: PeerInfo };
  lobbyDenied: { roomId: string };
  kicked: { roomId: string; by: string };
  muteRequested: { roomId: string; by: string; kind: "audio" | "video" };
  roomUpdated: { roomId: string; settings: MeetingSettings };
  roomEnded: { roomId: string };
}
export type ClientEventName = keyof ClientEventMap;

/** The names of every client event, in one list (the CLI's `--json` prints `{"event": name, …}` from it). */
export const CLIENT_EVENTS = [
  "signalingState",
  "joined",
  "peerDiscovered",
  "peerUpdated",
  "peerLeft",
  "peerRenamed",
  "connectionEstablished",
  "connectionClosed",
  "message",
  "track",
  "chat",
  "error",
  "lobbyWaiting",
  "lobbyRequest",
  "lobbyDenied",
  "kicked",
  "muteRequested",
  "roomUpdated",
  "roomEnded",
] as const satisfies readonly ClientEventName[];

type Listener<T> = (payload: T) => void;

/** A small typed emitter: a throwing listener is reported to `onListenerError`, never breaks the SDK. */
export class TypedEmitter<M extends object> {
  readonly #listeners = new Map<keyof M, Set<Listener<never>>>();
  onListenerError: (err: unknown) => void = () => {};

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof M>(name: K, fn: Listener<M[K]>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(fn);
    return () => this.off(name, fn);
  }

  off<K extends keyof M>(name: K, fn: Listener<M[K]>): void {
    this.#listeners.get(name)?.delete(fn);
  }

  once<K extends keyof M>(name: K, fn: Listener<M[K]>): () => void {
    const off = this.on(name, (p) => {
      off();
      fn(p);
    });
    return off;
  }

  emit<K extends keyof M>(name: K, payload: M[K]): void {
    for (const fn of [...(this.#listeners.get(name) ?? [])]) {
      try {
        (fn as Listener<M[K]>)(payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  listenerCount(name: keyof M): number {
    return this.#listeners.get(name)?.size ?? 0;
  }
}
