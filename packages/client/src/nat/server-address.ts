/** STUN server addresses as users write them: "host:port", "host", "[v6]:port", or a "stun:" URI (RFC 7064). */

export const DEFAULT_STUN_PORT = 3478;

export interface StunServerAddress {
  readonly host: string;
  readonly port: number;
}

export class StunServerAddressError extends Error {
  readonly code = "bad_stun_server";
  constructor(readonly input: string) {
    super(
      `not a STUN server address: "${input}" (expected HOST:PORT, HOST, [IPv6]:PORT or stun:HOST[:PORT])`,
    );
    this.name = "StunServerAddressError";
  }
}

/** Parses one address; throws {@link StunServerAddressError}. */
export function parseStunServer(input: string): StunServerAddress {
  const text = input.trim();
  if (/^stuns:/i.test(text)) throw new StunServerAddressError(input); // TLS: UDP probes cannot use it
  const rest = text.replace(/^stun:/i, "");
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/?#]+))(?::(\d{1,5}))?$/.exec(rest);
  const host = m?.[1] ?? m?.[2];
  if (!m || host === undefined) throw new StunServerAddressError(input);
  const port = m[3] === undefined ? DEFAULT_STUN_PORT : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StunServerAddressError(input);
  return { host, port };
}

/** A comma-separated list (the STUN_SERVERS variable, as `switchboard peer` reads it); empty entries are skipped. */
export function parseStunServerList(list: string): StunServerAddress[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseStunServer);
}

export function formatStunServer(s: StunServerAddress): string {
  return s.host.includes(":") ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}
