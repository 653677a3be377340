import { randomBytes, randomInt } from "node:crypto";
import {
  DEFAULT_MEETING_FEATURES,
  type Meeting,
  type MeetingSettings,
  type MeetingSettingsPatch,
  type MeetingStatus,
} from "@switchboard/protocol";
import type { StoredMeeting } from "../store/store.js";

const LETTERS = "abcdefghijkmnopqrstuvwxyz";

/** A meeting code like `kxq-wmtb-pze` (about 2^47 possibilities). */
export function newMeetingCode(): string {
  const part = (n: number): string =>
    Array.from({ length: n }, () => LETTERS[randomInt(LETTERS.length)]).join("");
  return `${part(3)}-${part(4)}-${part(3)}`;
}

export interface NewMeetingOptions {
  roomId?: string;
  title?: string | undefined;
  hostId?: string | undefined;
  /** Optional descriptive fields of `POST /api/meetings/create`. */
  extra?: Pick<Meeting, "description" | "hostName" | "scheduledAt"> | undefined;
  settings?: MeetingSettingsPatch | undefined;
  defaults: MeetingSettings;
  nowMs: number;
  ttlMs: number;
}

/** A new meeting record; settings above the server's participant cap are clamped to it. */
export function newMeeting(opts: NewMeetingOptions): StoredMeeting {
  const settings: MeetingSettings = { ...opts.defaults, ...opts.settings };
  settings.maxParticipants = Math.min(settings.maxParticipants, opts.defaults.maxParticipants);
  const meeting: StoredMeeting = {
    roomId: opts.roomId ?? newMeetingCode(),
    title: opts.title ?? "Meeting",
    settings,
    createdAt: opts.nowMs,
    expiresAt: opts.nowMs + opts.ttlMs,
    hostKey: randomBytes(18).toString("base64url"),
    ...opts.extra,
  };
  return opts.hostId === undefined ? meeting : { ...meeting, hostId: opts.hostId };
}

/** `ended` once the host ended the meeting, `active` before. */
export function meetingStatus(m: Meeting): MeetingStatus {
  return m.endedAt === undefined ? "active" : "ended";
}

/** The public part of a stored meeting (no host key), with its status. */
export function publicMeeting(m: StoredMeeting): Omit<StoredMeeting, "hostKey"> {
  const { hostKey: _hostKey, status: _status, ...rest } = m;
  return { ...rest, status: meetingStatus(m) };
}

/** A meeting read from shared storage: settings added since it was written take their defaults. */
export function withCurrentSettings(m: StoredMeeting): StoredMeeting {
  return { ...m, settings: { ...DEFAULT_MEETING_FEATURES, ...m.settings } };
}
