import { ERROR_CODES, type ErrorCode } from "@switchboard/protocol";

/** Codes the client raises itself, beside the protocol's error codes. */
export const CLIENT_ERROR_CODES = [
  "signaling_unreachable",
  "signaling_closed",
  "signature_invalid",
  "turn_unavailable",
  "timeout",
  "not_connected",
  "message_too_large",
  "channel_closed",
  "ice_failed",
  "permission_denied",
  "bad_frame",
  "invalid_argument",
  "lobby_denied",
  "discovery_unreachable",
  "unsupported_without_signaling",
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type SwitchboardErrorCode = ErrorCode | ClientErrorCode;

const HUMAN: Partial<Record<SwitchboardErrorCode, string>> = {
  signaling_unreachable: "signaling server unreachable",
  signaling_closed: "the signaling connection is closed",
  signature_invalid: "the peer's signed offer or answer did not verify",
  turn_unavailable: "a TURN relay is needed but none is configured",
  timeout: "no answer in time",
  not_connected: "not connected to that peer",
  message_too_large: "message larger than the channel allows",
  channel_closed: "the data channel is closed",
  ice_failed: "the connection to the peer failed",
  permission_denied: "camera permission denied",
  bad_frame: "the peer sent a malformed frame",
  invalid_argument: "invalid argument",
  lobby_denied: "the host did not let you in",
  discovery_unreachable: "no tracker or DHT node answered",
  unsupported_without_signaling: "this needs a signaling server (peers found through a tracker or the DHT)",
  room_not_found: "meeting not found",
  room_full: "the meeting is full",
  room_locked: "the meeting is locked",
  meeting_ended: "the meeting has ended",
  unauthorized: "not authorized (token missing or invalid)",
  forbidden: "not allowed",
  lobby_pending: "waiting for the host to admit you",
  rate_limited: "too many messages, slow down",
  not_resumable: "the session could not be resumed",
};

/** A human sentence for an error code. */
export function humanMessage(code: SwitchboardErrorCode): string {
  return HUMAN[code] ?? code.replaceAll("_", " ");
}

/** Every error the SDK raises or emits: a stable `code` and a message a person understands. */
export class SwitchboardError extends Error {
  override readonly name = "SwitchboardError";
  readonly code: SwitchboardErrorCode;
  readonly peerId: string | undefined;
  readonly retryable: boolean;

  constructor(code: SwitchboardErrorCode, detail?: string, opts: { peerId?: string; cause?: unknown } = {}) {
    super(detail ? `${humanMessage(code)}: ${detail}` : humanMessage(code), { cause: opts.cause });
    this.code = code;
    this.peerId = opts.peerId;
    this.retryable = code in ERROR_CODES ? ERROR_CODES[code as ErrorCode].retryable : code === "timeout";
  }
}

/** A chat message that could not be delivered (no ack, or the signaling connection dropped). */
export class ChatError extends SwitchboardError {}

/** Wraps anything thrown into a SwitchboardError. */
export function toSwitchboardError(err: unknown, fallback: SwitchboardErrorCode): SwitchboardError {
  if (err instanceof SwitchboardError) return err;
  return new SwitchboardError(fallback, err instanceof Error ? err.message : String(err), { cause: err });
}
