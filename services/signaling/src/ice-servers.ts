import { createHash } from "node:crypto";
import type { IceServer } from "@switchboard/protocol";
import { issueTurnCredentials } from "@switchboard/turn-credentials";

export interface IceServerOptions {
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  /** TURN REST API shared secrets; credentials are signed with the first (the others are only for rotation). */
  turnSecrets: readonly string[];
  ttlSeconds: number;
}

/**
 * The TURN user part of an anonymous session: `anon.` and 22 base64url characters of SHA-256 over its session
 * id. Stable for the session (a resume gets the same, so TURN keeps counting the same quota), distinct between
 * sessions, and it does not reveal the session id (TURN usernames travel in clear over UDP).
 */
export function anonymousTurnUser(sessionId: string): string {
  const digest = createHash("sha256").update(`switchboard turn user\0${sessionId}`).digest("base64url");
  return `anon.${digest.slice(0, 22)}`;
}

/** A user id as a REST username's user part: `%` and `:` percent-encoded, so distinct ids stay distinct. */
const userPart = (userId: string): string => userId.replace(/%/g, "%25").replace(/:/g, "%3A");

/** The ICE servers for one session: STUN as configured, TURN with fresh REST API credentials. */
export function buildIceServers(opts: IceServerOptions, nowMs: number, userId?: string): IceServer[] {
  const out: IceServer[] = [];
  if (opts.stunUrls.length > 0) out.push({ urls: [...opts.stunUrls] });
  const secret = opts.turnSecrets[0];
  if (opts.turnUrls.length > 0 && secret) {
    const creds = issueTurnCredentials({
      secret,
      ttlSeconds: opts.ttlSeconds,
      nowMs,
      ...(userId ? { userId: userPart(userId) } : {}),
    });
    out.push({ urls: [...opts.turnUrls], username: creds.username, credential: creds.credential });
  }
  return out;
}
