import { ERROR_CODES, type ErrorCode, type ServerMessageOf } from "@switchboard/protocol";

/** A protocol failure: becomes an `error` message (WebSocket) or an error reply (REST). */
export class SignalingError extends Error {
  readonly code: ErrorCode;
  readonly roomId: string | undefined;
  constructor(code: ErrorCode, message: string, roomId?: string) {
    super(message);
    this.name = "SignalingError";
    this.code = code;
    this.roomId = roomId;
  }
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** Raised by stores when Redis cannot be reached. */
export class StoreUnavailableError extends SignalingError {
  constructor(message = "shared state (Redis) is unavailable, try again shortly") {
    super("unavailable", message);
    this.name = "StoreUnavailableError";
  }
}

/** The `error` message for a failure; unknown failures become `internal_error`. */
export function errorMessage(err: unknown, id?: string): ServerMessageOf<"error"> {
  const e = err instanceof SignalingError ? err : new SignalingError("internal_error", "internal error");
  const msg: ServerMessageOf<"error"> = {
    v: 1,
    type: "error",
    code: e.code,
    message: e.message,
    retryable: e.retryable,
  };
  if (id !== undefined) msg.id = id;
  if (e.roomId !== undefined) msg.roomId = e.roomId;
  return msg;
}
