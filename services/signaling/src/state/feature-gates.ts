import type { MeetingSettings, PeerStatePatch } from "@switchboard/protocol";
import { SignalingError } from "../errors.js";

/**
 * The meeting settings the server enforces: chat (`isChatEnabled`) and screen sharing (`isScreenShareEnabled`).
 * `isRecordingEnabled` is only handed to clients — media never passes through the server. Settings unknown
 * to the caller (a room view not loaded yet) allow everything; the stored meeting decides on the next message.
 */
export function assertChatAllowed(settings: MeetingSettings | undefined, roomId: string): void {
  if (settings?.isChatEnabled === false)
    throw new SignalingError("chat_disabled", "chat is turned off in this meeting", roomId);
}

/** A state that turns screen sharing on is refused while the meeting turns it off; turning it off is always fine. */
export function assertStateAllowed(
  settings: MeetingSettings | undefined,
  state: PeerStatePatch | undefined,
  roomId: string,
): void {
  if (state?.screen === true && settings?.isScreenShareEnabled === false)
    throw new SignalingError("screen_share_disabled", "screen sharing is turned off in this meeting", roomId);
}
