import type { IceServer } from "@switchboard/protocol";
import { issueTurnCredentials } from "@switchboard/turn-credentials";

export interface IceServerOptions {
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  turnSecret?: string | undefined;
  ttlSeconds: number;
}

/** The ICE servers for one session: STUN as configured, TURN with fresh REST API credentials. */
export function buildIceServers(opts: IceServerOptions, nowMs: number, userId?: string): IceServer[] {
  const out: IceServer[] = [];
  if (opts.stunUrls.length > 0) out.push({ urls: [...opts.stunUrls] });
  if (opts.turnUrls.length > 0 && opts.turnSecret) {
    const safeUser = userId?.replace(/:/g, "_");
    const creds = issueTurnCredentials({
      secret: opts.turnSecret,
      ttlSeconds: opts.ttlSeconds,
      nowMs,
      ...(safeUser ? { userId: safeUser } : {}),
    });
    out.push({ urls: [...opts.turnUrls], username: creds.username, credential: creds.credential });
  }
  return out;
}
