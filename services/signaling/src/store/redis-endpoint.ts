/**
 * Where and how to reach Redis, read from `REDIS_URL` as ioredis reads it (the same variable configures both
 * the ioredis clients and the bus's own connections): `redis://[[user]:password@]host[:port][/db]`, `rediss://`
 * for TLS, or a Unix socket path (`/run/redis.sock`). User and password are percent-decoded.
 */
export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  /** A Unix socket instead of host and port. */
  readonly path?: string;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
}

export function redisEndpoint(url: string): RedisEndpoint {
  if (url.startsWith("/")) return { host: "", port: 0, path: url.split("?")[0], tls: false };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("REDIS_URL is not a URL");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw new Error("REDIS_URL must start with redis:// or rediss://");
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
  const port = parsed.port === "" ? 6379 : Number(parsed.port);
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  return {
    host,
    port,
    tls: parsed.protocol === "rediss:",
    ...(username === "" ? {} : { username }),
    ...(password === "" ? {} : { password }),
  };
}

/** The RESP command that authenticates a connection, or undefined when the URL carries no password. */
export function authCommand(e: RedisEndpoint): string[] | undefined {
  if (e.password === undefined) return undefined;
  return e.username === undefined ? ["AUTH", e.password] : ["AUTH", e.username, e.password];
}
