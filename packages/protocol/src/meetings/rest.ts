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

/** A meeting's state: `active` from creation until its host ends it, then `ended`. */
export const MeetingStatus = Type.Union([Type.Literal("active"), Type.Literal("ended")]);
export type MeetingStatus = Static<typeof MeetingStatus>;

/** A meeting as the REST API returns it. Its `roomId` is what `join` enters. */
export const Meeting = Type.Object(
  {
    roomId: RoomId,
    title: Type.String(),
    /** Free text shown with the meeting (set by `POST /api/meetings/create`). */
    description: Type.Optional(Type.String()),
    /** The creator's user id (`sub` of the token), absent for anonymous meetings. */
    hostId: Type.Optional(Type.String()),
    /** The creator's display name, as given to `POST /api/meetings/create`. */
    hostName: Type.Optional(Type.String()),
    /** When the meeting is planned to start (ms since epoch), as given to `POST /api/meetings/create`. */
    scheduledAt: Type.Optional(Type.Number()),
    /** `active` until the host ends it, then `ended` (REST replies always carry it; derived, never stored). */
    status: Type.Optional(MeetingStatus),
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

/**
 * `POST /api/meetings/create` body: the creation call users of older meeting services know. `hostId`, when
 * given, must be the token's `sub` (the host is always the caller); `settings.allowedDomains` is
 * `allowedEmailDomains` under its older name.
 */
export const CreateMeetingCompatBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    hostId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    hostName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    scheduledAt: Type.Optional(Type.String({ format: "date-time" })),
    settings: Type.Optional(
      Type.Object(
        {
          ...MeetingSettingsPatch.properties,
          allowedDomains: Type.Optional(MeetingSettings.properties.allowedEmailDomains),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateMeetingCompatBody = Static<typeof CreateMeetingCompatBody>;

/** Reply to `POST /api/meetings/create`: `success` plus what `POST /api/meetings` returns. */
export const CreateMeetingCompatReply = Type.Object(
  {
    success: Type.Literal(true),
    meeting: Meeting,
    /** Grants the host role: `join.hostKey`, or the `x-host-key` header on host-only REST calls. */
    hostKey: Type.String(),
  },
  { additionalProperties: false },
);
export type CreateMeetingCompatReply = Static<typeof CreateMeetingCompatReply>;

/** `:userId` path parameter of `GET /api/meetings/user/:userId`. */
export const UserMeetingsParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 200 }) });
export type UserMeetingsParams = Static<typeof UserMeetingsParams>;

/** `GET /api/meetings/user/:userId?status&limit&skip` query: a status filter and offset paging. */
export const UserMeetingsQuery = Type.Object(
  {
    status: Type.Optional(MeetingStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type UserMeetingsQuery = Static<typeof UserMeetingsQuery>;

/** Reply of `GET /api/meetings/user/:userId`: the user's meetings, newest first. */
export const UserMeetingsReply = Type.Object(
  {
    success: Type.Literal(true),
    meetings: Type.Array(Meeting),
    /** More meetings follow: ask again with `skip` + `limit`. */
    hasMore: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type UserMeetingsReply = Static<typeof UserMeetingsReply>;
