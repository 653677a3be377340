import { Type, type Static } from "@sinclair/typebox";
import { PeerInfo, RoomId } from "../signaling/common.js";
import { ERROR_CODE_LIST } from "../signaling/error-codes.js";
import { MeetingSettings, MeetingSettingsPatch } from "./settings.js";

/** `POST /api/meetings` body. Missing settings take the server's defaults. */
export const CreateMeetingBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    settings: Type.Optional(MeetingSettingsPatch),
  },
  { additionalProperties: false },
);
export type CreateMeetingBody = Static<typeof CreateMeetingBody>;

/** A meeting as the REST API returns it. Its `roomId` is what `join` enters. */
export const Meeting = Type.Object(
  {
    roomId: RoomId,
    title: Type.String(),
    /** The creator's user id (`sub` of the token), absent for anonymous meetings. */
    hostId: Type.Optional(Type.String()),
    settings: MeetingSettings,
    createdAt: Type.Number(),
    /** The meeting is forgotten after this time (ms since epoch; `MEETING_TTL` after creation). */
    expiresAt: Type.Number(),
    /** Set once the host ended it. */
    endedAt: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type Meeting = Static<typeof Meeting>;

/** Reply to `POST /api/meetings`: the meeting plus the host key (only ever shown to its creator). */
export const CreateMeetingReply = Type.Object(
  {
    meeting: Meeting,
    /** Grants the host role: `join.hostKey`, or the `x-host-key` header on host-only REST calls. */
    hostKey: Type.String(),
  },
  { additionalProperties: false },
);
export type CreateMeetingReply = Static<typeof CreateMeetingReply>;

/** `PATCH /api/meetings/:roomId` body (host only). */
export const UpdateMeetingBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    settings: Type.Optional(MeetingSettingsPatch),
  },
  { additionalProperties: false },
);
export type UpdateMeetingBody = Static<typeof UpdateMeetingBody>;

/** `:roomId` path parameter. */
export const MeetingParams = Type.Object({ roomId: RoomId });
export type MeetingParams = Static<typeof MeetingParams>;

/** `GET /api/meetings/:roomId/participants`. */
export const ParticipantsReply = Type.Object({
  roomId: RoomId,
  participants: Type.Array(PeerInfo),
  /** Peers waiting in the lobby (only shown to hosts; otherwise the count alone). */
  lobby: Type.Array(PeerInfo),
  lobbyCount: Type.Integer(),
});
export type ParticipantsReply = Static<typeof ParticipantsReply>;

/** `GET /api/meetings/:roomId/stats`. */
export const MeetingStatsReply = Type.Object({
  roomId: RoomId,
  participants: Type.Integer(),
  lobby: Type.Integer(),
  chatMessages: Type.Integer(),
  active: Type.Boolean(),
  createdAt: Type.Number(),
  endedAt: Type.Optional(Type.Number()),
});
export type MeetingStatsReply = Static<typeof MeetingStatsReply>;

/** `GET /api/users/me/meetings?limit&cursor` query. */
export const MeetingsPageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type MeetingsPageQuery = Static<typeof MeetingsPageQuery>;

/** A page of the user's meetings, newest first; pass `nextCursor` back for the next page. */
export const MeetingsPage = Type.Object({
  items: Type.Array(Meeting),
  nextCursor: Type.Optional(Type.String()),
});
export type MeetingsPage = Static<typeof MeetingsPage>;

/** Every REST error: the same codes as the WebSocket protocol. */
export const ErrorReply = Type.Object({
  error: Type.Object({
    code: Type.Union(ERROR_CODE_LIST.map((c) => Type.Literal(c))),
    message: Type.String(),
    retryable: Type.Boolean(),
  }),
});
export type ErrorReply = Static<typeof ErrorReply>;
