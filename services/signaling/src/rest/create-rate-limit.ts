import rateLimit, { normalizeIP, type RateLimitOptions } from "@fastify/rate-limit";
import type { FastifyRequest } from "fastify";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { SignalingError } from "../errors.js";

/** Options of the meeting-creation limit. */
export interface CreateRateLimitOptions {
  /** Creations allowed per key and minute. */
  readonly perMinute: number;
  readonly verifyToken: TokenVerifier;
}

/** IPv6 clients are counted per /64 (one subscriber's prefix), as the plugin does by default. */
const IPV6_PREFIX = 64;

/**
 * Who a creation counts against: the user of a valid token, else the client address (`req.ip`: the socket's, or
 * the one a trusted proxy forwarded — fastify's `trustProxy`). Never throws: a bad token counts by address and
 * is refused by the route itself.
 */
export async function creationKey(req: FastifyRequest, verifyToken: TokenVerifier): Promise<string> {
  const auth = req.headers.authorization;
  const token = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : "";
  if (token !== "") {
    const identity = await verifyToken(token).catch(() => undefined);
    if (identity?.userId !== undefined) return `user:${identity.userId}`;
  }
  return `addr:${normalizeIP(req.ip, IPV6_PREFIX)}`;
}

/** `@fastify/rate-limit` for the routes that opt in with `config.rateLimit` (none is limited globally). */
export { rateLimit as rateLimitPlugin };

/** The per-route `config.rateLimit` of `POST /api/meetings`. */
export function createRouteRateLimit(o: CreateRateLimitOptions): RateLimitOptions {
  return {
    max: o.perMinute,
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => creationKey(req, o.verifyToken),
    errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string }) =>
      new SignalingError("rate_limited", `too many meetings created, retry in ${ctx.after}`),
  };
}
