import { Type, type Static } from "@sinclair/typebox";

/** A meeting's host-controlled settings. */
export const MeetingSettings = Type.Object(
  {
    /** Most participants (hosts included) in the room at once. */
    maxParticipants: Type.Integer({ minimum: 1, maximum: 10_000 }),
    /** Guests wait in a lobby until a host admits them. */
    requireApproval: Type.Boolean(),
    /** When not empty, only tokens whose `email` is in one of these domains may join (hosts excepted). */
    allowedEmailDomains: Type.Array(
      Type.String({ minLength: 1, maxLength: 253, pattern: "^[A-Za-z0-9.-]+$" }),
      {
        maxItems: 50,
      },
    ),
    /** A locked meeting admits nobody new. */
    locked: Type.Boolean(),
    /** Participants may chat; when off, `chat` is answered `chat_disabled`. */
    isChatEnabled: Type.Boolean(),
    /** Participants may share their screen; when off, a `screen: true` state is answered `screen_share_disabled`. */
    isScreenShareEnabled: Type.Boolean(),
    /**
     * Clients may record the meeting. The server relays no media, so it cannot enforce this: clients (the SDK's
     * session store) read it and should not offer recording when it is off.
     */
    isRecordingEnabled: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type MeetingSettings = Static<typeof MeetingSettings>;

/** Some settings to change. */
export const MeetingSettingsPatch = Type.Partial(MeetingSettings, { additionalProperties: false });
export type MeetingSettingsPatch = Static<typeof MeetingSettingsPatch>;

/** The settings a meeting gets when its creator names none (the participant cap is the server's). */
export const DEFAULT_MEETING_FEATURES = {
  isChatEnabled: true,
  isScreenShareEnabled: true,
  isRecordingEnabled: false,
} as const satisfies Partial<MeetingSettings>;
