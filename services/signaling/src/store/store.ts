import type {
  ChatEntry,
  Meeting,
  MeetingStatus,
  PeerInfo,
  ServerMessage,
  ServerMessageType,
} from "@switchboard/protocol";
import type { SignalParts } from "../state/signal-json.js";

/** A meeting as stored: the public record plus the host key (never returned by GET). */
export interface StoredMeeting extends Meeting {
  readonly hostKey: string;
}

/** A participant (or lobby waiter) of a room, with the instance whose WebSocket holds it. */
export interface Member extends PeerInfo {
  readonly roomId: string;
  readonly instanceId: string;
  readonly status: "joined" | "lobby";
}

/**
 * A peer message's client frame: its JSON text (a string or its UTF-8 bytes), or a relayed signal's parts, which
 * the sending instance writes straight into the bus batch (the receiving instance always sees bytes).
 */
export type PeerFrame = string | Uint8Array | SignalParts;

/** Messages between instances. */
export type BusMessage =
  /**
   * Deliver to one local session if it is still in the room: `frame` is the message's JSON text, serialized
   * once by the sender and sent as is by the receiver.
   */
  | {
      readonly kind: "peer";
      readonly to: string;
      readonly roomId: string;
      readonly type: ServerMessageType;
      readonly frame: PeerFrame;
      /** Asks for a receipt (`receipts`) to `replyTo` once handed to the peer, unless later than `deliverBy`. */
      readonly receipt?: RelayReceipt;
    }
  /**
   * Consecutive peer messages of one batch to the same session, room and type (`decodeBusBatch` merges them;
   * nothing publishes this kind): the frames in order, delivered in one write.
   */
  | {
      readonly kind: "peers";
      readonly to: string;
      readonly roomId: string;
      readonly type: ServerMessageType;
      readonly frames: readonly Uint8Array[];
    }
  /** Receipts for relays this instance sent: handed to the peer, or the peer was not there. */
  | {
      readonly kind: "receipts";
      readonly delivered: readonly string[];
      readonly gone: readonly string[];
    }
  /** Update the room view, then deliver to the local members of the audience. */
  | {
      readonly kind: "room";
      readonly roomId: string;
      readonly msg?: ServerMessage;
      readonly audience: "joined" | "hosts";
      readonly except?: string;
      readonly upsert?: Member;
      readonly remove?: string;
      readonly meeting?: StoredMeeting;
      /** The room ended: drop the view and remove local members. */
      readonly ended?: boolean;
    };

/** A relay's request for a delivery receipt. */
export interface RelayReceipt {
  /** The sending instance. */
  readonly replyTo: string;
  /** The sender's receipt id. */
  readonly id: string;
  /** Ms on the store's shared clock (`now`) after which the relay is dropped instead of delivered. */
  readonly deliverBy: number;
}

export interface MeetingsPageResult {
  readonly items: readonly StoredMeeting[];
  readonly nextCursor?: string;
}

/**
 * Shared state: meetings, room membership, chat history, presence and the bus between instances.
 * The memory store keeps it in this process; the Redis store shares it across instances. Every method may
 * reject with `StoreUnavailableError`.
 */
export interface SignalingStore {
  /** Whether state is shared with other processes (Redis). */
  readonly shared: boolean;
  /** Subscribes this instance to its bus channel and starts presence heartbeats. */
  start(instanceId: string, onMessage: (msg: BusMessage) => void): Promise<void>;
  close(): Promise<void>;
  /** Whether the backing service is reachable right now. */
  isUp(): boolean;
  /** The clock shared by all instances (Redis's, measured by the liveness probe), ms since the epoch. */
  now(): number;
  /** Called with `true` once the store is reachable again after an outage (state should be re-registered). */
  onStatusChange(listener: (up: boolean) => void): void;

  createMeeting(meeting: StoredMeeting): Promise<boolean>;
  getMeeting(roomId: string): Promise<StoredMeeting | undefined>;
  /** Writes a meeting back (settings changed, ended); keeps its expiry. */
  putMeeting(meeting: StoredMeeting): Promise<void>;
  /** Meetings hosted by a user, newest first; with `status`, only those in it (`cursor` counts those). */
  listMeetings(
    hostId: string,
    limit: number,
    cursor?: string,
    status?: MeetingStatus,
  ): Promise<MeetingsPageResult>;

  addMember(member: Member): Promise<void>;
  removeMember(roomId: string, peerId: string): Promise<void>;
  /** Members of a room whose instance is alive. */
  listMembers(roomId: string): Promise<Member[]>;
  /** Of these instances, the ones that are dead (presence expired, or no longer connected to the store). */
  deadInstances(instanceIds: readonly string[]): Promise<Set<string>>;

  /** Appends to the room's chat (trimmed to `max`); returns the sequence number it assigned. */
  appendChat(entry: Omit<ChatEntry, "seq">, max: number): Promise<ChatEntry>;
  chatHistory(roomId: string): Promise<ChatEntry[]>;
  chatCount(roomId: string): Promise<number>;

  /** Forgets expired meetings (Redis expires keys itself). */
  purgeExpired(): Promise<void>;

  /**
   * Sends to one instance's bus; resolves to the number of subscribers that got it (0: that instance is not
   * connected, it died or is reconnecting). A rejection means it was not sent and never will be.
   */
  publish(instanceId: string, msg: BusMessage): Promise<number>;
}
