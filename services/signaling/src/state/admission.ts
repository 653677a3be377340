import type { Identity } from "../auth/identity.js";
import { SignalingError } from "../errors.js";
import type { StoredMeeting } from "../store/store.js";
import { timingSafeEqual } from "node:crypto";

export interface AdmissionInput {
  readonly meeting: StoredMeeting;
  readonly identity: Identity;
  readonly hostKey?: string | undefined;
  /** Participants already joined (lobby excluded). */
  readonly joinedCount: number;
  readonly now: number;
}

export type Admission = { readonly role: "host" | "guest"; readonly status: "joined" | "lobby" };

const sameKey = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Whether this identity is a host of the meeting (creator, token `host` grant, or the host key). */
export function isHost(meeting: StoredMeeting, identity: Identity, hostKey?: string): boolean {
  if (hostKey !== undefined && sameKey(hostKey, meeting.hostKey)) return true;
  if (identity.userId !== undefined && identity.userId === meeting.hostId) return true;
  return identity.hostOf?.includes(meeting.roomId) ?? false;
}

/**
 * Who may read a meeting's participants and stats: its hosts, and tokens the meeting would let straight in
 * (room granted by the token, meeting neither locked nor behind approval, e-mail domain allowed). Anonymous
 * readers are `unauthorized`, other refusals `forbidden`.
 */
export function assertMayView(meeting: StoredMeeting, identity: Identity, hostKey?: string): void {
  if (isHost(meeting, identity, hostKey)) return;
  const roomId = meeting.roomId;
  if (identity.anonymous || identity.userId === undefined)
    throw new SignalingError("unauthorized", "a token or the host key is required", roomId);
  if (identity.rooms && !identity.rooms.includes(roomId))
    throw new SignalingError("forbidden", "the token does not grant this room", roomId);
  const { locked, requireApproval, allowedEmailDomains } = meeting.settings;
  if (locked || requireApproval)
    throw new SignalingError("forbidden", "only hosts may see who is in this meeting", roomId);
  if (allowedEmailDomains.length > 0) {
    const domain = identity.email?.split("@")[1];
    if (!domain || !allowedEmailDomains.some((d) => d.toLowerCase() === domain))
      throw new SignalingError("forbidden", "your e-mail domain may not join this meeting", roomId);
  }
}

/** Decides how a join is answered: as host or guest, straight in or via the lobby; throws the refusal. */
export function decideAdmission(input: AdmissionInput): Admission {
  const { meeting, identity, now } = input;
  const roomId = meeting.roomId;
  if (meeting.endedAt !== undefined)
    throw new SignalingError("meeting_ended", "the meeting has ended", roomId);
  if (meeting.expiresAt <= now) throw new SignalingError("room_not_found", "no such meeting", roomId);
  if (identity.rooms && !identity.rooms.includes(roomId))
    throw new SignalingError("forbidden", "the token does not grant this room", roomId);
  const host = isHost(meeting, identity, input.hostKey);
  if (input.joinedCount >= meeting.settings.maxParticipants)
    throw new SignalingError("room_full", "the meeting is full", roomId);
  if (host) return { role: "host", status: "joined" };
  if (meeting.settings.locked) throw new SignalingError("room_locked", "the meeting is locked", roomId);
  const domains = meeting.settings.allowedEmailDomains;
  if (domains.length > 0) {
    const domain = identity.email?.split("@")[1];
    if (!domain || !domains.some((d) => d.toLowerCase() === domain))
      throw new SignalingError("forbidden", "your e-mail domain may not join this meeting", roomId);
  }
  return { role: "guest", status: meeting.settings.requireApproval ? "lobby" : "joined" };
}
