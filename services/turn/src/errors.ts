/**
 * Coded errors of the TURN service. A `StunErrorReply` is a protocol failure that the dispatcher turns into a
 * STUN error response (RFC 8489 §14.8 codes, RFC 8656 §18.5 additions); it never escapes a handler otherwise.
 */
export const STUN_ERRORS = Object.freeze({
  BAD_REQUEST: { code: 400, reason: "Bad Request" },
  UNAUTHENTICATED: { code: 401, reason: "Unauthenticated" },
  FORBIDDEN: { code: 403, reason: "Forbidden" },
  UNKNOWN_ATTRIBUTE: { code: 420, reason: "Unknown Attribute" },
  ALLOCATION_MISMATCH: { code: 437, reason: "Allocation Mismatch" },
  STALE_NONCE: { code: 438, reason: "Stale Nonce" },
  ADDRESS_FAMILY_NOT_SUPPORTED: { code: 440, reason: "Address Family not Supported" },
  WRONG_CREDENTIALS: { code: 441, reason: "Wrong Credentials" },
  UNSUPPORTED_TRANSPORT: { code: 442, reason: "Unsupported Transport Protocol" },
  PEER_ADDRESS_FAMILY_MISMATCH: { code: 443, reason: "Peer Address Family Mismatch" },
  ALLOCATION_QUOTA_REACHED: { code: 486, reason: "Allocation Quota Reached" },
  SERVER_ERROR: { code: 500, reason: "Server Error" },
  INSUFFICIENT_CAPACITY: { code: 508, reason: "Insufficient Capacity" },
});

export type StunErrorName = keyof typeof STUN_ERRORS;

/** A request that must be answered with a STUN error response. */
export class StunErrorReply extends Error {
  readonly code: number;
  readonly reason: string;
  /** Unknown comprehension-required attribute types (420 only). */
  readonly unknownAttributes: readonly number[];
  constructor(name: StunErrorName, detail?: string, unknownAttributes: readonly number[] = []) {
    const { code, reason } = STUN_ERRORS[name];
    super(detail ? `${code} ${reason}: ${detail}` : `${code} ${reason}`);
    this.name = "StunErrorReply";
    this.code = code;
    this.reason = reason;
    this.unknownAttributes = unknownAttributes;
  }
}

/** Codes of the service's own failures (start-up, relay sockets). */
export type TurnErrorCode = "TURN_ERR_RELAY_BIND" | "TURN_ERR_NO_PORT" | "TURN_ERR_TLS";

export class TurnError extends Error {
  readonly code: TurnErrorCode;
  constructor(code: TurnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TurnError";
    this.code = code;
  }
}
