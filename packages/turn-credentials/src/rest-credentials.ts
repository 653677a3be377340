/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest-00, as coturn's `use-auth-secret` implements it):
 * username = `<expiry unix time>[:<user id>]`, password = base64(HMAC-SHA1(shared secret, username)).
 * The signaling service issues them to browsers; the TURN server recomputes the password to authenticate.
 */
import { createHmac } from "node:crypto";

export interface TurnCredentials {
  readonly username: string;
  readonly credential: string;
  /** Expiry as unix seconds (also the username's first field). */
  readonly expiresAt: number;
  readonly ttlSeconds: number;
}

export interface IssueOptions {
  secret: string;
  ttlSeconds: number;
  /** Optional user id appended after a colon; must not itself contain a colon. */
  userId?: string;
  /** Current time in milliseconds since the epoch. */
  nowMs: number;
}

/** The password for a username under a shared secret. */
export function turnPassword(secret: string, username: string): string {
  return createHmac("sha1", secret).update(username, "utf8").digest("base64");
}

/** Issues a username/credential pair valid for `ttlSeconds`. */
export function issueTurnCredentials(opts: IssueOptions): TurnCredentials {
  if (!opts.secret) throw new RangeError("a TURN shared secret is required");
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0)
    throw new RangeError("ttlSeconds must be a positive integer");
  if (opts.userId !== undefined && (opts.userId === "" || opts.userId.includes(":"))) {
    throw new RangeError("userId must be non-empty and contain no colon");
  }
  const expiresAt = Math.floor(opts.nowMs / 1000) + opts.ttlSeconds;
  const username = opts.userId === undefined ? String(expiresAt) : `${expiresAt}:${opts.userId}`;
  return {
    username,
    credential: turnPassword(opts.secret, username),
    expiresAt,
    ttlSeconds: opts.ttlSeconds,
  };
}

export interface ParsedTurnUsername {
  readonly expiresAt: number;
  readonly userId?: string;
}

/** Parses `<expiry>[:<user id>]`; undefined when the username is not of that form. */
export function parseTurnUsername(username: string): ParsedTurnUsername | undefined {
  const m = /^(\d{1,12})(?::(.+))?$/.exec(username);
  if (!m?.[1]) return undefined;
  const expiresAt = Number(m[1]);
  return m[2] === undefined ? { expiresAt } : { expiresAt, userId: m[2] };
}

/**
 * Whether a REST username is still valid at `nowMs`. The server then derives the long-term key from
 * `turnPassword(secret, username)` for each configured secret (rotation) and checks MESSAGE-INTEGRITY.
 */
export function verifyTurnUsername(username: string, nowMs: number): boolean {
  const parsed = parseTurnUsername(username);
  return parsed !== undefined && parsed.expiresAt * 1000 > nowMs;
}
