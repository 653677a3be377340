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
  },
  { additionalProperties: false },
);
export type MeetingSettings = Static<typeof MeetingSettings>;

/** Some settings to change. */
export const MeetingSettingsPatch = Type.Partial(MeetingSettings, { additionalProperties: false });
export type MeetingSettingsPatch = Static<typeof MeetingSettingsPatch>;
