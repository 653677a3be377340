// The ONE place that creates the page's SwitchboardClient: signaling on the page's own origin (`/ws`), a display
// name, a meeting code, join and leave. Every view reads the client and its stores from here.
import {
  SwitchboardClient,
  type SwitchboardError,
  type ChatItem,
  type ConnectionInfo,
  type MediaState,
  type RoomPeer,
  type SessionSnapshot,
} from "@switchboard/client";
import type { MeetingSettings, PeerInfo } from "@switchboard/protocol";
import { derived, get, writable, type Readable } from "svelte/store";
import { failureOf, notify, dismiss, report } from "./messages";
import { addStream, dropPeer, dropScreen, renamePeer, type RemoteMediaMap } from "./remote-media";
import { signalingUrlFor } from "./signaling-url";

/** Where this page is in a meeting. */
export type Phase =
  "idle" | "connecting" | "lobby" | "joined" | "left" | "kicked" | "denied" | "ended" | "failed";

export interface JoinOptions {
  readonly code: string;
  readonly name: string;
  /** The key `POST /api/meetings` returned to this page (see {@link rememberHostKey}). */
  readonly hostKey?: string;
  /** Relay only: every connection goes through the platform's TURN. */
  readonly relay?: boolean;
  /** Open camera and microphone (default true; the Files view joins without). */
  readonly media?: boolean;
}

/** The page's meeting session: the client and what was asked of it. */
export interface Session {
  readonly client: SwitchboardClient;
  readonly code: string;
  readonly name: string;
  readonly relay: boolean;
  readonly signing: boolean;
}

const NAME_KEY = "switchboard.name";
const HOST_KEY_PREFIX = "switchboard.hostKey.";

const currentStore = writable<Session | null>(null);
const phaseStore = writable<Phase>("idle");
const failureStore = writable<string | undefined>(undefined);
const roleStore = writable<"host" | "guest" | undefined>(undefined);
const remoteStore = writable<RemoteMediaMap>(new Map());
const lobbyStore = writable<readonly PeerInfo[]>([]);
const settingsStore = writable<MeetingSettings | undefined>(undefined);
let detach: (() => void)[] = [];

/** The current session (null before joining and after leaving). */
export const current: Readable<Session | null> = { subscribe: currentStore.subscribe };
export const phase: Readable<Phase> = { subscribe: phaseStore.subscribe };
/** The failure code that ended the last attempt (`room_not_found`, `kicked`…), for the views' own text. */
export const failure: Readable<string | undefined> = { subscribe: failureStore.subscribe };
export const role: Readable<"host" | "guest" | undefined> = { subscribe: roleStore.subscribe };
/** Remote camera and screen streams per peer id. */
export const remoteMedia: Readable<RemoteMediaMap> = { subscribe: remoteStore.subscribe };
/** Guests waiting for a host (hosts only). */
export const lobby: Readable<readonly PeerInfo[]> = { subscribe: lobbyStore.subscribe };
export const settings: Readable<MeetingSettings | undefined> = { subscribe: settingsStore.subscribe };

/** One of the client's stores, following the current session (the initial value while there is none). */
function follow<T>(pick: (c: SwitchboardClient) => Readable<T>, initial: T): Readable<T> {
  return derived<Readable<Session | null>, T>(current, (s, set) => {
    if (!s) {
      set(initial);
      return;
    }
    return pick(s.client).subscribe(set);
  });
}

export const signaling: Readable<SessionSnapshot> = follow((c) => c.stores.session, {
  state: "closed",
  sessionId: undefined,
  rooms: [],
  iceServers: [],
});
export const peers: Readable<readonly RoomPeer[]> = follow((c) => c.stores.peers, []);
export const connections: Readable<readonly ConnectionInfo[]> = follow((c) => c.stores.connections, []);
export const chat: Readable<{ readonly items: readonly ChatItem[]; readonly unread: number }> = follow(
  (c) => c.stores.chat,
  { items: [], unread: 0 },
);
export const localMedia: Readable<MediaState> = follow((c) => c.stores.media, {
  stream: null,
  screen: null,
  state: { audio: false, video: false, screen: false },
});

/** The current client, if any (for the Files and Network views). */
export function getClient(): SwitchboardClient | undefined {
  return get(currentStore)?.client;
}

export function savedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? "";
  } catch {
    return "";
  }
}

/** Keeps the host key of a meeting this page created, for this tab only (never in a link). */
export function rememberHostKey(code: string, hostKey: string): void {
  try {
    sessionStorage.setItem(HOST_KEY_PREFIX + code, hostKey);
  } catch {
    // storage disabled: the host role lasts until the page is reloaded
    pendingHostKeys.set(code, hostKey);
  }
}
const pendingHostKeys = new Map<string, string>();

export function hostKeyFor(code: string): string | undefined {
  try {
    return sessionStorage.getItem(HOST_KEY_PREFIX + code) ?? pendingHostKeys.get(code);
  } catch {
    return pendingHostKeys.get(code);
  }
}

/**
 * Joins a meeting: opens camera and microphone (a refusal is shown, the meeting goes on without them), connects
 * to signaling on this origin and enters the room (or its lobby). Resolves once joined, waiting in the lobby, or
 * failed (the phase and the banner say which); a session already open is left first.
 */
export async function join(opts: JoinOptions): Promise<void> {
  if (get(currentStore)) await leave();
  try {
    localStorage.setItem(NAME_KEY, opts.name);
  } catch {
    // storage disabled: the name is asked again next time
  }
  const hostKey = opts.hostKey ?? hostKeyFor(opts.code);
  const client = new SwitchboardClient({
    signalingUrl: signalingUrlFor(location),
    meetingCode: opts.code,
    name: opts.name,
    rtc: { RTCPeerConnection },
    signing: { enabled: true },
    ...(hostKey ? { hostKey } : {}),
    ...(opts.relay ? { iceTransportPolicy: "relay" as const } : {}),
  });
  const session: Session = {
    client,
    code: opts.code,
    name: opts.name,
    relay: opts.relay === true,
    signing: true,
  };
  phaseStore.set("connecting");
  failureStore.set(undefined);
  roleStore.set(undefined);
  remoteStore.set(new Map());
  lobbyStore.set([]);
  settingsStore.set(undefined);
  for (const key of ["signaling", "meeting", "media"]) dismiss(key);
  currentStore.set(session);
  detach = wire(session);
  if (opts.media !== false) await openMedia(client);
  try {
    await client.initializeNode();
    if (get(currentStore) !== session) return;
    await client.discoverPeers(opts.code);
  } catch (err) {
    if (get(currentStore) !== session) return;
    fail(session, failureOf(err), err);
  }
}

async function openMedia(client: SwitchboardClient): Promise<void> {
  try {
    await client.media.start({ audio: true, video: true });
  } catch (err) {
    report(err, { key: "media", kind: "warning" });
  }
}

/** Leaves the meeting and closes the connections (camera and microphone off). */
export async function leave(): Promise<void> {
  const s = get(currentStore);
  if (!s) return;
  end(s, "left");
  await s.client.disconnect().catch(() => undefined);
}

/** Stops the session with a final phase; the banner says why unless it was the user's own doing. */
function end(s: Session, p: Phase): void {
  for (const off of detach) off();
  detach = [];
  s.client.media.stop();
  if (get(currentStore) === s) currentStore.set(null);
  phaseStore.set(p);
}

function fail(s: Session, code: string, err?: unknown): void {
  failureStore.set(code);
  notify(code, { key: "meeting", ...(err ? { kind: "error" } : {}) });
  end(
    s,
    code === "kicked"
      ? "kicked"
      : code === "lobby_denied"
        ? "denied"
        : code === "room_ended"
          ? "ended"
          : "failed",
  );
  void s.client.disconnect().catch(() => undefined);
}

/** Subscribes to the client's events; returns the functions that undo it. */
function wire(s: Session): (() => void)[] {
  const c = s.client;
  const nameOf = (peerId: string | undefined): string | undefined =>
    peerId ? get(c.stores.peers).find((p) => p.peerId === peerId)?.name : undefined;
  let wasOpen = false;
  let entered = false; // joined or in the lobby: from then on a closed signaling connection is an outage
  return [
    c.on("signalingState", ({ state }) => {
      if (state === "open") {
        if (wasOpen) notify("signaling_back", { key: "signaling", kind: "info" });
        wasOpen = true;
      } else if (wasOpen && state !== "closed")
        notify("signaling_lost", { key: "signaling", kind: "warning" });
      // The SDK gave up reconnecting: the meeting cannot go on from this page.
      else if (entered) notify("signaling_unreachable", { key: "signaling" });
    }),
    c.on("joined", ({ self, settings }) => {
      entered = true;
      roleStore.set(self.role);
      settingsStore.set(settings);
      phaseStore.set("joined");
      dismiss("meeting");
    }),
    c.on("lobbyWaiting", () => {
      entered = true;
      phaseStore.set("lobby");
      notify("lobby_waiting", { key: "meeting", kind: "info" });
    }),
    c.on("lobbyRequest", ({ peer }) =>
      lobbyStore.update((l) => [...l.filter((p) => p.peerId !== peer.peerId), peer]),
    ),
    c.on("peerDiscovered", (p) => lobbyStore.update((l) => l.filter((w) => w.peerId !== p.peerId))),
    c.on("lobbyDenied", () => fail(s, "lobby_denied")),
    c.on("kicked", () => fail(s, "kicked")),
    c.on("roomEnded", () => fail(s, "room_ended")),
    c.on("roomUpdated", ({ settings }) => settingsStore.set(settings)),
    c.on("muteRequested", ({ kind }) => {
      c.media.setMuted(kind, true);
      notify("mute_requested", { key: "mute", kind: "info" });
    }),
    c.on("track", ({ peerId, track, streams }) =>
      remoteStore.update((m) => addStream(m, peerId, streams[0] ?? new MediaStream([track]))),
    ),
    c.on("peerUpdated", (p) => {
      if (!p.state.screen) remoteStore.update((m) => dropScreen(m, p.peerId));
    }),
    c.on("peerLeft", ({ peerId }) => {
      remoteStore.update((m) => dropPeer(m, peerId));
      lobbyStore.update((l) => l.filter((w) => w.peerId !== peerId));
    }),
    c.on("peerRenamed", ({ from, to }) => remoteStore.update((m) => renamePeer(m, from, to))),
    c.on("error", (err: SwitchboardError) => {
      const who = nameOf(err.peerId);
      // The detail behind the banner, for whoever opens the developer tools.
      // eslint-disable-next-line no-console
      console.warn(`switchboard: ${err.code}: ${err.message}`);
      if (err.code === "ice_failed" && !hasTurn(c)) notify("turn_needed", who ? { detail: who } : {});
      else if (err.code === "not_resumable") notify("not_resumable", { key: "signaling", kind: "info" });
      else notify(err.code, { key: `error:${err.code}`, ...(who ? { detail: who } : {}) });
    }),
  ];
}

function hasTurn(c: SwitchboardClient): boolean {
  return get(c.stores.session).iceServers.some((s) =>
    (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/.test(u)),
  );
}

/** Host controls on the current meeting (each resolves on the server's ack; failures go to the banner). */
export const hostActions = {
  admit: (peerId: string) =>
    hostCall((c, room) => c.host.admit(room, peerId)).then((ok) => ok && unlobby(peerId)),
  deny: (peerId: string) =>
    hostCall((c, room) => c.host.deny(room, peerId)).then((ok) => ok && unlobby(peerId)),
  kick: (peerId: string) => hostCall((c, room) => c.host.kick(room, peerId)),
  requestMute: (peerId: string) => hostCall((c, room) => c.host.requestMute(room, peerId, "audio")),
  lock: (locked: boolean) =>
    hostCall((c, room) => c.host.lock(room, locked)).then(
      (ok) => ok && settingsStore.update((s) => (s ? { ...s, locked } : s)),
    ),
  end: () => hostCall((c, room) => c.host.end(room)),
};

function unlobby(peerId: string): void {
  lobbyStore.update((l) => l.filter((p) => p.peerId !== peerId));
}

/** Runs a host control; resolves whether the server acknowledged it (a refusal goes to the banner). */
async function hostCall(fn: (c: SwitchboardClient, room: string) => Promise<void>): Promise<boolean> {
  const s = get(currentStore);
  if (!s) return false;
  try {
    await fn(s.client, s.code);
    return true;
  } catch (err) {
    report(err);
    return false;
  }
}
