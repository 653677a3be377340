/**
 * STUN error codes and their default reason phrases (RFC 8489 §14.8, RFC 5389 §15.6, RFC 8656 §19,
 * RFC 6156 §10.2, RFC 6062 §6.3, RFC 8016 §3.2, RFC 8445 §16.2 (487)).
 */
export const ErrorCode = {
  TryAlternate: 300,
  BadRequest: 400,
  /** "Unauthenticated" in RFC 8489 ("Unauthorized" in RFC 5389). */
  Unauthenticated: 401,
  Forbidden: 403,
  /** RFC 8016 §3.2. */
  MobilityForbidden: 405,
  UnknownAttribute: 420,
  AllocationMismatch: 437,
  StaleNonce: 438,
  AddressFamilyNotSupported: 440,
  WrongCredentials: 441,
  UnsupportedTransportProtocol: 442,
  PeerAddressFamilyMismatch: 443,
  /** RFC 6062 §6.3. */
  ConnectionAlreadyExists: 446,
  /** RFC 6062 §6.3. */
  ConnectionTimeoutOrFailure: 447,
  AllocationQuotaReached: 486,
  /** RFC 8445 §16.2 (ICE). */
  RoleConflict: 487,
  ServerError: 500,
  InsufficientCapacity: 508,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const reasons: ReadonlyMap<number, string> = new Map<number, string>([
  [300, "Try Alternate"],
  [400, "Bad Request"],
  [401, "Unauthenticated"],
  [403, "Forbidden"],
  [405, "Mobility Forbidden"],
  [420, "Unknown Attribute"],
  [437, "Allocation Mismatch"],
  [438, "Stale Nonce"],
  [440, "Address Family not Supported"],
  [441, "Wrong Credentials"],
  [442, "Unsupported Transport Protocol"],
  [443, "Peer Address Family Mismatch"],
  [446, "Connection Already Exists"],
  [447, "Connection Timeout or Failure"],
  [486, "Allocation Quota Reached"],
  [487, "Role Conflict"],
  [500, "Server Error"],
  [508, "Insufficient Capacity"],
]);

/** The RFC's suggested reason phrase for a code, or a generic one for unregistered codes. */
export function errorReason(code: number): string {
  return reasons.get(code) ?? (code >= 500 ? "Server Error" : code >= 400 ? "Bad Request" : "Error");
}
