// The meetings REST API (services/signaling README, `/api/meetings`) on the page's own origin.
import { SwitchboardError, type SwitchboardErrorCode } from "@switchboard/client";
import type { CreateMeetingReply, Meeting, MeetingSettingsPatch } from "@switchboard/protocol";
import { apiBaseFor } from "./signaling-url";

interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string };
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${apiBaseFor(location)}${path}`, {
      ...init,
      headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) },
    });
  } catch (err) {
    throw new SwitchboardError("signaling_unreachable", "the meetings API did not answer", { cause: err });
  }
  if (res.ok) return (await res.json()) as T;
  const body = (await res.json().catch(() => ({}))) as ErrorBody;
  const code = (body.error?.code ??
    (res.status === 404 ? "room_not_found" : "internal_error")) as SwitchboardErrorCode;
  throw new SwitchboardError(code, body.error?.message ?? `HTTP ${res.status}`);
}

/** Creates a meeting; the reply's `hostKey` makes its holder the host (keep it out of shared links). */
export function createMeeting(
  opts: { title?: string; settings?: MeetingSettingsPatch } = {},
): Promise<CreateMeetingReply> {
  return call<CreateMeetingReply>("/meetings", { method: "POST", body: JSON.stringify(opts) });
}

/** The meeting behind a code; rejects with `room_not_found` when there is none. */
export function getMeeting(code: string): Promise<Meeting> {
  return call<Meeting>(`/meetings/${encodeURIComponent(code)}`);
}
