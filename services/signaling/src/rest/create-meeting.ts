import type { MeetingSettings } from "@switchboard/protocol";
import type { Clock } from "@switchboard/runtime";
import { newMeeting, type NewMeetingOptions } from "../core/meeting-factory.js";
import { SignalingError } from "../errors.js";
import type { SignalingStore, StoredMeeting } from "../store/store.js";

export interface MeetingCreator {
  readonly store: SignalingStore;
  readonly clock: Clock;
  readonly defaults: MeetingSettings;
  readonly meetingTtlMs: number;
}

/** Makes and stores a new meeting (both creation routes). */
export async function createMeeting(
  o: MeetingCreator,
  fields: Pick<NewMeetingOptions, "title" | "hostId" | "settings" | "extra">,
): Promise<StoredMeeting> {
  const meeting = newMeeting({
    ...fields,
    defaults: o.defaults,
    nowMs: o.clock.now(),
    ttlMs: o.meetingTtlMs,
  });
  if (!(await o.store.createMeeting(meeting)))
    throw new SignalingError("internal_error", "meeting code clash, retry");
  return meeting;
}
