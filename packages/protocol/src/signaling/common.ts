import { Type, type Static } from "@sinclair/typebox";

/** The protocol version this package describes; every message carries it as `v`. */
export const PROTOCOL_VERSION = 1;

/** Protocol version field. */
export const Version = Type.Literal(PROTOCOL_VERSION, { description: "protocol version" });

/** A client-chosen request id, echoed in the `ack`, `error` or direct reply to that request. */
export const RequestId = Type.String({ minLength: 1, maxLength: 64 });

/** A meeting code / room id: letters, digits, `-` and `_`. */
export const RoomId = Type.String({ minLength: 3, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" });
export type RoomId = Static<typeof RoomId>;

/** A peer id, assigned by the server (the session id). */
export const PeerId = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" });

export const DisplayName = Type.String({ minLength: 1, maxLength: 64 });

/** Media state a peer shows to the others in the room. */
export const PeerState = Type.Object(
  {
    audio: Type.Boolean(),
    video: Type.Boolean(),
    screen: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type PeerState = Static<typeof PeerState>;

/** A change to some of the media state fields. */
export const PeerStatePatch = Type.Partial(PeerState, { additionalProperties: false, minProperties: 1 });
export type PeerStatePatch = Static<typeof PeerStatePatch>;

export const Role = Type.Union([Type.Literal("host"), Type.Literal("guest")]);
export type Role = Static<typeof Role>;

/** What every participant of a room sees of a peer. */
export const PeerInfo = Type.Object(
  {
    peerId: PeerId,
    name: DisplayName,
    role: Role,
    /** The authenticated user id, when the peer joined with a token. */
    userId: Type.Optional(Type.String({ maxLength: 128 })),
    state: PeerState,
    /** Server time (ms since epoch) the peer entered the room. */
    joinedAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type PeerInfo = Static<typeof PeerInfo>;

/** A chat message as the server stamped it. */
export const ChatEntry = Type.Object(
  {
    roomId: RoomId,
    /** Per-room sequence number (monotonic per instance set; for ordering and de-duplication). */
    seq: Type.Integer({ minimum: 0 }),
    from: PeerId,
    name: DisplayName,
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    /** Server time, ms since epoch. */
    ts: Type.Number(),
  },
  { additionalProperties: false },
);
export type ChatEntry = Static<typeof ChatEntry>;

/** One ICE server as `RTCPeerConnection` takes it; TURN entries carry coturn REST API credentials. */
export const IceServer = Type.Object(
  {
    urls: Type.Array(Type.String()),
    username: Type.Optional(Type.String()),
    credential: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type IceServer = Static<typeof IceServer>;
