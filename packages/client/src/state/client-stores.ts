import type { IceServer, MeetingSettings } from "@switchboard/protocol";
import type { ChatItem, ConnectionInfo } from "../events.js";
import type { MediaState } from "../media/local-media.js";
import type { RoomPeer } from "../room/roster.js";
import type { SignalingState } from "../signaling/state.js";
import { WritableStore, type Readable } from "../stores.js";

export interface SessionSnapshot {
  readonly state: SignalingState;
  readonly sessionId: string | undefined;
  readonly rooms: readonly string[];
  readonly iceServers: readonly IceServer[];
  /**
   * Each joined room's meeting settings (from `joined`, then `room.updated`): e.g. hide the chat input when
   * `isChatEnabled` is false, the screen-share button when `isScreenShareEnabled` is, and recording when
   * `isRecordingEnabled` is not (the server refuses the first two; recording is the client's to respect).
   */
  readonly settings: Readonly<Record<string, MeetingSettings>>;
}

export interface ChatSnapshot {
  readonly items: readonly ChatItem[];
  readonly unread: number;
}

/** The stores users read (`client.stores`). */
export interface ClientReadables {
  readonly session: Readable<SessionSnapshot>;
  readonly peers: Readable<readonly RoomPeer[]>;
  readonly connections: Readable<readonly ConnectionInfo[]>;
  readonly chat: Readable<ChatSnapshot>;
  readonly media: Readable<MediaState>;
}

/** The client's state as writable stores: the modules write, users subscribe. */
export class ClientStores implements ClientReadables {
  readonly session = new WritableStore<SessionSnapshot>({
    state: "connecting",
    sessionId: undefined,
    rooms: [],
    iceServers: [],
    settings: {},
  });
  readonly peers = new WritableStore<readonly RoomPeer[]>([]);
  readonly connections = new WritableStore<readonly ConnectionInfo[]>([]);
  readonly chat = new WritableStore<ChatSnapshot>({ items: [], unread: 0 });
  readonly media = new WritableStore<MediaState>({
    stream: null,
    screen: null,
    state: { audio: false, video: false, screen: false },
  });
}
