import type { IceServer } from "@switchboard/protocol";
import { issueTurnCredentials } from "@switchboard/turn-credentials";

export interface IceServerOptions {
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  /** TURN REST API shared secrets; credentials are signed with the first (the others are only for rotation). */
  turnSecrets: readonly string[];
  ttlSeconds: number;
}

/** The ICE servers for one session: STUN as configured, TURN with fresh REST API credentials. */
export function buildIceServers(opts: IceServerOptions, nowMs: number, userId?: string): IceServer[] {
  const out: IceServer[] = [];
  if (opts.stunUrls.length > 0) out.push({ urls: [...opts.stunUrls] });
  const secret = opts.turnSecrets[0];
  if (opts.turnUrls.length > 0 && secret) {
    const safeUser = userId?.replace(/:/g, "_");
    const creds = issueTurnCredentials({
      secret,
      ttlSeconds: opts.ttlSeconds,
      nowMs,
      ...(safeUser ? { userId: safeUser } : {}),
    });
    out.push({ urls: [...opts.turnUrls], username: creds.username, credential: creds.credential });
  }
  return out;
}
