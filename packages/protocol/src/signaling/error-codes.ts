/**
 * Signaling error codes: the `code` of an `error` message and of a REST error reply. `retryable` tells a
 * client whether the same request may succeed later unchanged (after a back-off). Codes are never reused.
 */
export const ERROR_CODES = {
  /** The frame is not JSON, or not a message this protocol version knows (wrong fields or types). */
  invalid_message: { retryable: false, status: 400 },
  /** The frame is larger than the server's limit. */
  payload_too_large: { retryable: false, status: 413 },
  /** Too many messages: the connection's token bucket is empty. */
  rate_limited: { retryable: true, status: 429 },
  /** The `v` field names a protocol version the server does not speak. */
  unsupported_version: { retryable: false, status: 400 },
  /** No valid token where one is required (anonymous access off, token expired or badly signed). */
  unauthorized: { retryable: false, status: 401 },
  /** Authenticated but not allowed: not the host, e-mail domain not allowed, room not granted. */
  forbidden: { retryable: false, status: 403 },
  /** No meeting with that room id (or it expired). */
  room_not_found: { retryable: false, status: 404 },
  /** The meeting has as many participants as its settings allow. */
  room_full: { retryable: true, status: 409 },
  /** The host locked the meeting: no new participant may enter. */
  room_locked: { retryable: true, status: 423 },
  /** The meeting was ended by its host. */
  meeting_ended: { retryable: false, status: 410 },
  /** The request needs the host's approval first; the client waits in the lobby. */
  lobby_pending: { retryable: true, status: 409 },
  /** The session has not joined that room. */
  not_in_room: { retryable: false, status: 409 },
  /** The session is already in that room. */
  already_joined: { retryable: false, status: 409 },
  /** The session is in as many rooms as a connection may join. */
  too_many_rooms: { retryable: false, status: 409 },
  /** The target peer is not in that room. */
  unknown_peer: { retryable: false, status: 404 },
  /** The session to resume is gone (grace period over, buffer overflowed, or held by another instance). */
  not_resumable: { retryable: false, status: 409 },
  /** `hello` must come first, and only once. */
  hello_required: { retryable: false, status: 400 },
  /** The meeting's settings turn chat off (`isChatEnabled: false`). */
  chat_disabled: { retryable: false, status: 403 },
  /** The meeting's settings turn screen sharing off (`isScreenShareEnabled: false`). */
  screen_share_disabled: { retryable: false, status: 403 },
  /** A dependency (Redis) is unreachable; the request may succeed once it is back. */
  unavailable: { retryable: true, status: 503 },
  /** An unexpected server failure (a bug); logged on the server. */
  internal_error: { retryable: true, status: 500 },
} as const satisfies Record<string, { readonly retryable: boolean; readonly status: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as readonly ErrorCode[];

/** Whether a client may retry after this error. */
export function isRetryable(code: ErrorCode): boolean {
  return ERROR_CODES[code].retryable;
}
