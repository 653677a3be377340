// What a person reads when something goes wrong: one sentence per failure they can hit, from the SDK's error
// codes (and the browser's media errors). Pure: no stores, no DOM.
import type { SwitchboardErrorCode } from "@switchboard/client";

/** Failures that are not SDK error codes: the browser's media errors and the meeting's own outcomes. */
export type AppFailure =
  | "no_device"
  | "device_busy"
  | "signaling_lost"
  | "signaling_back"
  | "lobby_waiting"
  | "lobby_denied"
  | "kicked"
  | "room_ended"
  | "mute_requested"
  | "screen_share_failed"
  | "turn_needed";

export type FailureCode = SwitchboardErrorCode | AppFailure;

const SENTENCES: Partial<Record<FailureCode, string>> = {
  permission_denied:
    "Camera and microphone are blocked for this site. Allow them in the browser's site settings (the icon in the address bar) and rejoin; you can still chat meanwhile.",
  no_device:
    "No camera or microphone was found. Plug one in or check your system settings; you can still join and chat.",
  device_busy:
    "Your camera or microphone is in use by another program. Close it and rejoin to be seen and heard.",
  signaling_unreachable:
    "Cannot reach the Switchboard server. Check your internet connection, then try again.",
  signaling_closed: "The connection to the Switchboard server is closed.",
  signaling_lost:
    "Connection to the server lost. Reconnecting… Your calls keep going, but nobody new can join you until it is back.",
  signaling_back: "Reconnected to the server.",
  not_resumable: "The server restarted; you rejoined the meeting.",
  room_not_found: "There is no meeting with this code. Check the code or the link, or create a new meeting.",
  room_full: "This meeting is full. Try again when someone leaves.",
  room_locked: "The host has locked this meeting: nobody new can join.",
  meeting_ended: "This meeting has ended.",
  chat_disabled: "The host has turned chat off in this meeting.",
  screen_share_disabled: "Screen sharing is turned off in this meeting.",
  lobby_pending: "Waiting for the host to let you in…",
  lobby_waiting: "Waiting for the host to let you in…",
  lobby_denied: "The host did not let you into this meeting.",
  discovery_unreachable:
    "No tracker or DHT node answered, so no peers could be found. Check the tracker address.",
  unsupported_without_signaling: "That needs the Switchboard server, and this meeting runs without one.",
  kicked: "The host removed you from the meeting.",
  room_ended: "The host ended the meeting.",
  mute_requested: "The host asked you to mute: your microphone is now off (unmute when you want to speak).",
  ice_failed:
    "Could not connect to a participant: no direct route worked and no relay got through. Their video and messages will not reach you.",
  turn_unavailable:
    "This connection needs a relay (TURN), but the server has none configured. Ask the administrator to set TURN_URLS and TURN_SECRET.",
  turn_needed:
    "A participant is unreachable directly and the server has no relay (TURN) configured to go around the network in between.",
  signature_invalid:
    "A participant's connection could not be verified (its signed offer did not match), so it was refused.",
  unauthorized: "You need to sign in to join this meeting.",
  forbidden: "You are not allowed to do that.",
  rate_limited: "Too many messages at once; slow down a little.",
  timeout: "The server did not answer in time. Try again.",
  screen_share_failed: "Screen sharing did not start (it was cancelled or is not allowed here).",
  not_in_room: "You are not in this meeting any more.",
  unavailable: "The server is temporarily unavailable. Try again in a moment.",
  message_too_large: "That message is too long.",
  payload_too_large: "That message is too long for the server.",
  invalid_message:
    "The server did not understand this app's request. Reload the page to get the current version.",
  unsupported_version: "This app is out of date for the server. Reload the page.",
  hello_required: "The connection to the server was not set up properly. Reload the page.",
  already_joined: "You are already in this meeting (maybe in another tab).",
  too_many_rooms: "You are in too many meetings at once. Leave one first.",
  unknown_peer: "That participant has left the meeting.",
  internal_error: "The server ran into a problem. Try again in a moment.",
  not_connected: "Not connected to that participant yet.",
  channel_closed: "The connection to that participant closed.",
  bad_frame: "A participant sent something this app could not read; the connection to them was closed.",
  invalid_argument: "That did not work here (this browser may lack the feature).",
};

/** The human sentence for a failure code; unknown codes get a readable fallback, never a raw code alone. */
export function sentenceFor(code: string): string {
  return SENTENCES[code as FailureCode] ?? `Something went wrong (${code.replaceAll("_", " ")}).`;
}

/** The code of a browser media error (`getUserMedia`'s DOMException names). */
export function mediaFailure(name: string | undefined): FailureCode {
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "permission_denied";
    case "NotFoundError":
    case "OverconstrainedError":
      return "no_device";
    case "NotReadableError":
    case "AbortError":
      return "device_busy";
    default:
      return "no_device";
  }
}
