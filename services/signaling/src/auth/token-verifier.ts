import { createSecretKey, createPublicKey, type KeyObject } from "node:crypto";
import { jwtVerify, errors as joseErrors } from "jose";
import { SignalingError } from "../errors.js";
import { ANONYMOUS, type Identity } from "./identity.js";

export interface TokenVerifierOptions {
  jwtSecret?: string | undefined;
  jwtPublicKey?: string | undefined;
  allowAnonymous: boolean;
  /** Accepted `aud` values (the token must name one); default `switchboard-signaling`. */
  audience?: readonly string[] | undefined;
  /** Accepted `iss` values (the token must carry one); default `switchboard`. */
  issuer?: readonly string[] | undefined;
  /** Current time in ms (tests pass a fake clock's). */
  now: () => number;
}

export type TokenVerifier = (token: string | undefined) => Promise<Identity>;

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The `role` claim grants the admin role when it is `"admin"` or an array of strings naming `"admin"`. */
export const ADMIN_ROLE = "admin";
const isAdminRole = (v: unknown): boolean => v === ADMIN_ROLE || (strings(v)?.includes(ADMIN_ROLE) ?? false);

export const DEFAULT_JWT_AUDIENCE = "switchboard-signaling";
export const DEFAULT_JWT_ISSUER = "switchboard";

/**
 * Verifies client JWTs (HS256 with `JWT_SECRET`, or ES256/RS256/EdDSA with `JWT_PUBLIC_KEY`): `exp`, `sub`,
 * `aud` and `iss` required (a token without expiry, or minted for another service or by another issuer with
 * the same key, is refused); claims `name`, `email`, optional `rooms` (granted room ids) and `host` (room ids
 * where the user is host), `role` (`"admin"` or a list naming it: an admin). No token: anonymous if allowed, else `unauthorized`.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  let key: KeyObject | undefined;
  let algorithms: string[] = [];
  if (opts.jwtSecret) {
    key = createSecretKey(Buffer.from(opts.jwtSecret, "utf8"));
    algorithms = ["HS256"];
  } else if (opts.jwtPublicKey) {
    key = createPublicKey(opts.jwtPublicKey.replace(/\\n/g, "\n"));
    algorithms = ["ES256", "RS256", "EdDSA"];
  }
  const audience = opts.audience ?? [];
  const issuer = opts.issuer ?? [];
  return async (token) => {
    if (token === undefined) {
      if (opts.allowAnonymous) return ANONYMOUS;
      throw new SignalingError("unauthorized", "a token is required");
    }
    if (!key) throw new SignalingError("unauthorized", "tokens are not accepted by this server");
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms,
        currentDate: new Date(opts.now()),
        clockTolerance: 30,
        requiredClaims: ["exp", "sub"],
        audience: audience.length > 0 ? [...audience] : DEFAULT_JWT_AUDIENCE,
        issuer: issuer.length > 0 ? [...issuer] : DEFAULT_JWT_ISSUER,
      });
      const userId = text(payload.sub);
      if (!userId) throw new SignalingError("unauthorized", "token has no subject");
      const identity: { -readonly [K in keyof Identity]: Identity[K] } = { anonymous: false, userId };
      const name = text(payload.name);
      const email = text(payload.email);
      const rooms = strings(payload.rooms);
      const hostOf = strings(payload.host);
      if (name) identity.name = name.slice(0, 64);
      if (email) identity.email = email.toLowerCase();
      if (rooms) identity.rooms = rooms;
      if (hostOf) identity.hostOf = hostOf;
      if (isAdminRole(payload.role)) identity.admin = true;
      return identity;
    } catch (err) {
      if (err instanceof SignalingError) throw err;
      const why = err instanceof joseErrors.JWTExpired ? "token expired" : "invalid token";
      throw new SignalingError("unauthorized", why);
    }
  };
}
