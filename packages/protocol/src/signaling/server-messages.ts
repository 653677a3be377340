import { Type, type Static, type TProperties } from "@sinclair/typebox";
import { MeetingSettings } from "../meetings/settings.js";
import { ChatEntry, IceServer, PeerId, PeerInfo, RequestId, RoomId, Version } from "./common.js";
import { ERROR_CODE_LIST } from "./error-codes.js";
import { OfferData, SignalData } from "./signal-data.js";

/** Every server message: `{v, type, id?, …}`; `id` echoes the request it answers. */
function serverMessage<T extends string, P extends TProperties>(type: T, props: P, description: string) {
  return Type.Object(
    { v: Version, type: Type.Literal(type), id: Type.Optional(RequestId), ...props },
    { additionalProperties: false, description },
  );
}

/** Session started (or resumed). */
export const WelcomeMessage = serverMessage(
  "welcome",
  {
    sessionId: PeerId,
    /** Secret to present in `hello.resume` after a disconnect. */
    resumeToken: Type.String(),
    /** How long after a disconnect the session can be resumed, in ms. */
    resumeGraceMs: Type.Integer(),
    resumed: Type.Boolean(),
    /** Rooms the resumed session is still in. */
    rooms: Type.Array(RoomId),
    /** STUN and TURN servers; TURN credentials expire after `turnCredentialTtl` seconds. */
    iceServers: Type.Array(IceServer),
    /** Limits the client should respect. */
    limits: Type.Object({
      maxFrameBytes: Type.Integer(),
      messagesPerSecond: Type.Number(),
      maxRooms: Type.Integer(),
      idleTimeoutMs: Type.Integer(),
    }),
  },
  "session established",
);

/** Reply to `ping`. */
export const PongMessage = serverMessage("pong", { ts: Type.Number() }, "heartbeat reply");

/** Success of a request that has no richer reply. */
export const AckMessage = serverMessage("ack", { id: RequestId }, "request done");

/** Failure of a request (or of an unparseable frame, without `id`). */
export const ErrorMessage = serverMessage(
  "error",
  {
    code: Type.Union(ERROR_CODE_LIST.map((c) => Type.Literal(c))),
    message: Type.String(),
    retryable: Type.Boolean(),
    /** The room the error concerns, if any. */
    roomId: Type.Optional(RoomId),
  },
  "request failed",
);

/** Entered the room: the peers already there, recent chat and the settings. */
export const JoinedMessage = serverMessage(
  "joined",
  {
    roomId: RoomId,
    self: PeerInfo,
    peers: Type.Array(PeerInfo),
    chat: Type.Array(ChatEntry),
    settings: MeetingSettings,
    /** The peer the `join`'s offer was relayed to (absent when it was not relayed): the newcomer awaits its answer. */
    offeredTo: Type.Optional(PeerId),
  },
  "joined a room",
);

/** Waiting for a host to admit the peer. */
export const LobbyWaitingMessage = serverMessage("lobby.waiting", { roomId: RoomId }, "in the lobby");

/** To hosts: a peer waits in the lobby. */
export const LobbyRequestMessage = serverMessage(
  "lobby.request",
  { roomId: RoomId, peer: PeerInfo },
  "someone waits in the lobby",
);

/** To the waiting peer: a host turned it away. */
export const LobbyDeniedMessage = serverMessage("lobby.denied", { roomId: RoomId }, "lobby request denied");

/** A peer entered the room. */
export const PeerJoinedMessage = serverMessage(
  "peer.joined",
  {
    roomId: RoomId,
    peer: PeerInfo,
    /**
     * The newcomer's join-carried offer (`join.offer`), in place of the `signal` that would follow: only to a
     * client that asked for `FEATURE_PEER_JOINED_OFFER` (see `features.ts`), and only to the peer the offer goes
     * to. The client handles it as a `signal {from: peer.peerId, data: offer}` after this message.
     */
    offer: Type.Optional(OfferData),
  },
  "peer joined",
);

/** A peer left the room. */
export const PeerLeftMessage = serverMessage(
  "peer.left",
  {
    roomId: RoomId,
    peerId: PeerId,
    reason: Type.Union([
      Type.Literal("left"),
      Type.Literal("disconnected"),
      Type.Literal("kicked"),
      Type.Literal("lobby"),
    ]),
  },
  "peer left",
);

/** A peer changed its media state or name. */
export const PeerUpdatedMessage = serverMessage(
  "peer.updated",
  { roomId: RoomId, peer: PeerInfo },
  "peer state changed",
);

/** A relayed signal; `from` is stamped by the server. */
export const SignalRelayMessage = serverMessage(
  "signal",
  { roomId: RoomId, from: PeerId, data: SignalData },
  "relayed offer/answer/candidate",
);

/** A chat message in the room. */
export const ChatRelayMessage = serverMessage("chat", { entry: ChatEntry }, "chat message");

/** The peer was removed by a host. */
export const KickedMessage = serverMessage("kicked", { roomId: RoomId, by: PeerId }, "removed by a host");

/** A host asks this peer to mute. */
export const MuteRequestedMessage = serverMessage(
  "mute.requested",
  { roomId: RoomId, by: PeerId, kind: Type.Union([Type.Literal("audio"), Type.Literal("video")]) },
  "host asks to mute",
);

/** The meeting's settings changed (lock, limits…). */
export const RoomUpdatedMessage = serverMessage(
  "room.updated",
  { roomId: RoomId, settings: MeetingSettings },
  "settings changed",
);

/** The host ended the meeting: everyone is out of the room. */
export const RoomEndedMessage = serverMessage("room.ended", { roomId: RoomId }, "meeting ended");

/** Every message the server may send. */
export const ServerMessage = Type.Union([
  WelcomeMessage,
  PongMessage,
  AckMessage,
  ErrorMessage,
  JoinedMessage,
  LobbyWaitingMessage,
  LobbyRequestMessage,
  LobbyDeniedMessage,
  PeerJoinedMessage,
  PeerLeftMessage,
  PeerUpdatedMessage,
  SignalRelayMessage,
  ChatRelayMessage,
  KickedMessage,
  MuteRequestedMessage,
  RoomUpdatedMessage,
  RoomEndedMessage,
]);
export type ServerMessage = Static<typeof ServerMessage>;
export type ServerMessageType = ServerMessage["type"];
/** The server message of one type. */
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;
export type PeerLeftReason = Static<typeof PeerLeftMessage>["reason"];
