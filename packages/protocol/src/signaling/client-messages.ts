import { Type, type Static, type TObject, type TProperties } from "@sinclair/typebox";
import { DisplayName, PeerId, PeerState, PeerStatePatch, RequestId, RoomId, Version } from "./common.js";
import { OfferData, SignalData } from "./signal-data.js";

/** Every client message: `{v, type, id?, …}`; a request with an `id` gets its `ack`/`error`/reply with that id. */
function clientMessage<T extends string, P extends TProperties>(type: T, props: P, description: string) {
  return Type.Object(
    { v: Version, type: Type.Literal(type), id: Type.Optional(RequestId), ...props },
    { additionalProperties: false, description },
  );
}

/** First message of a connection: authenticates (optional token) or resumes a session → `welcome`. */
export const HelloMessage = clientMessage(
  "hello",
  {
    /** A JWT (HS256 or with the server's public key) carrying `sub`, `name`, `email`, optional `rooms`/`host`. */
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
    /** Resume a session cut off less than the grace period ago. */
    resume: Type.Optional(
      Type.Object(
        { sessionId: PeerId, resumeToken: Type.String({ minLength: 1, maxLength: 128 }) },
        { additionalProperties: false },
      ),
    ),
  },
  "start or resume a session",
);

/** Application-level heartbeat → `pong`. */
export const PingMessage = clientMessage("ping", {}, "heartbeat");

/** Ends the session at once (no resume): leaves every room. */
export const ByeMessage = clientMessage("bye", {}, "end the session");

/** Enter a room by meeting code → `joined`, or `lobby.waiting` when the host must approve. */
export const JoinMessage = clientMessage(
  "join",
  {
    roomId: RoomId,
    name: Type.Optional(DisplayName),
    state: Type.Optional(PeerState),
    /** The host key returned when the meeting was created anonymously: joins as host. */
    hostKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    /**
     * An offer made ahead (the client's prepared connection): the server relays it as a `signal` from the
     * newcomer to one peer already in the room, right after that peer's `peer.joined`, and names that peer in
     * `joined.offeredTo`. Not delivered when the newcomer waits in the lobby or no peer takes it.
     */
    offer: Type.Optional(OfferData),
  },
  "join a room",
);

/** Leave a room (or the lobby) → `ack`; the others get `peer.left`. */
export const LeaveMessage = clientMessage("leave", { roomId: RoomId }, "leave a room");

/** Change one's media state or name → `ack`; the others get `peer.updated`. */
export const UpdateMessage = clientMessage(
  "update",
  { roomId: RoomId, state: Type.Optional(PeerStatePatch), name: Type.Optional(DisplayName) },
  "update own state",
);

/** Offer/answer/candidate/ICE restart for one peer of the same room; the server stamps `from`. */
export const SignalMessage = clientMessage(
  "signal",
  { roomId: RoomId, to: PeerId, data: SignalData },
  "relay",
);

/** A chat message to the room → `ack`; everyone (sender included) gets the stamped `chat`. */
export const ChatMessage = clientMessage(
  "chat",
  { roomId: RoomId, text: Type.String({ minLength: 1, maxLength: 4000 }) },
  "room chat",
);

/** Host: let a lobby peer in (→ it gets `joined`) or turn it away (→ `lobby.denied`). */
export const LobbyAdminMessage = clientMessage(
  "lobby.admit",
  { roomId: RoomId, peerId: PeerId },
  "host admits a waiting peer",
);
export const LobbyDenyMessage = clientMessage(
  "lobby.deny",
  { roomId: RoomId, peerId: PeerId },
  "host denies a waiting peer",
);

/** Host: remove a peer (→ it gets `kicked`, the others `peer.left` with reason `kicked`). */
export const KickMessage = clientMessage("kick", { roomId: RoomId, peerId: PeerId }, "host removes a peer");

/** Host: ask a peer to mute its microphone or camera (→ it gets `mute.requested`; muting is up to it). */
export const MuteRequestMessage = clientMessage(
  "mute.request",
  { roomId: RoomId, peerId: PeerId, kind: Type.Union([Type.Literal("audio"), Type.Literal("video")]) },
  "host asks a peer to mute",
);

/** Host: lock or unlock the meeting (→ everyone gets `room.updated`). */
export const LockMessage = clientMessage(
  "room.lock",
  { roomId: RoomId, locked: Type.Boolean() },
  "host locks or unlocks",
);

/** Host: end the meeting for everyone (→ `room.ended`; later joins get `meeting_ended`). */
export const EndMessage = clientMessage("room.end", { roomId: RoomId }, "host ends the meeting");

/** How a peer connection was made: the local candidate type of the selected pair. */
export const ConnectionMethod = Type.Union([
  Type.Literal("host"),
  Type.Literal("srflx"),
  Type.Literal("prflx"),
  Type.Literal("relay"),
]);
export type ConnectionMethod = Static<typeof ConnectionMethod>;

/**
 * Connection analytics: the outcome of one peer connection attempt (→ `ack`). Carries no peer, room or address:
 * the server only counts it (success rate, share through TURN, setup time).
 */
export const ReportMessage = clientMessage(
  "report",
  {
    outcome: Type.Union([Type.Literal("connected"), Type.Literal("failed")]),
    /** Set when connected. */
    method: Type.Optional(ConnectionMethod),
    /** From the first offer or answer to the data channel open (or to the failure), ms. */
    setupMs: Type.Number({ minimum: 0, maximum: 3_600_000 }),
    /** Whether this attempt was an ICE restart of an existing connection. */
    iceRestart: Type.Optional(Type.Boolean()),
    /** Why it failed, in a few words (e.g. `ice-failed`, `timeout`, `signature`). */
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: "^[a-z0-9-]+$" })),
  },
  "connection outcome for analytics",
);

/** Every message a client may send. */
export const ClientMessage = Type.Union([
  HelloMessage,
  PingMessage,
  ByeMessage,
  JoinMessage,
  LeaveMessage,
  UpdateMessage,
  SignalMessage,
  ChatMessage,
  LobbyAdminMessage,
  LobbyDenyMessage,
  KickMessage,
  MuteRequestMessage,
  LockMessage,
  EndMessage,
  ReportMessage,
]);
export type ClientMessage = Static<typeof ClientMessage>;
export type ClientMessageType = ClientMessage["type"];

/** The schema of each client message type, for dispatch tables and per-type validators. */
export const CLIENT_MESSAGE_SCHEMAS = Object.fromEntries(
  ClientMessage.anyOf.map((s: TObject) => [(s.properties.type as unknown as { const: string }).const, s]),
) as { readonly [K in ClientMessageType]: TObject };

/** The shape every frame must have before its type is known. */
export const Envelope = Type.Object({
  v: Type.Integer(),
  type: Type.String({ maxLength: 32 }),
  id: Type.Optional(RequestId),
});
export type Envelope = Static<typeof Envelope>;
