/**
 * Stateless nonces (RFC 8489 §9.2): `<issued-at seconds, hex>.<HMAC-SHA256(server key, issued-at|client)>`.
 * The server keeps no table: a nonce verifies while its HMAC matches and it is younger than the lifetime;
 * after that the request gets 438 Stale Nonce and a fresh one. Bound to the client's transport address.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "@switchboard/runtime";

export type NonceCheck = "valid" | "stale" | "invalid";

export interface NonceIssuerOptions {
  readonly lifetimeSeconds: number;
  readonly clock: Clock;
  /** HMAC key; random per process unless given (tests). */
  readonly key?: Uint8Array;
}

/** 72 bits of HMAC: a guess is as likely as 1 in 2^72, and the 401 that carries it stays small (reflection). */
const MAC_BYTES = 9;

export class NonceIssuer {
  readonly #key: Uint8Array;
  readonly #lifetimeMs: number;
  readonly #clock: Clock;

  constructor(opts: NonceIssuerOptions) {
    this.#key = opts.key ?? randomBytes(32);
    this.#lifetimeMs = opts.lifetimeSeconds * 1000;
    this.#clock = opts.clock;
  }

  #mac(issued: string, client: string): Buffer {
    return createHmac("sha256", this.#key).update(`${issued}|${client}`).digest().subarray(0, MAC_BYTES);
  }

  /** A new nonce for the client (e.g. `udp/203.0.113.5:5000`). */
  issue(client: string): string {
    const issued = Math.floor(this.#clock.now() / 1000).toString(16);
    return `${issued}.${this.#mac(issued, client).toString("base64url")}`;
  }

  check(nonce: string, client: string): NonceCheck {
    const dot = nonce.indexOf(".");
    const issued = nonce.slice(0, dot);
    if (dot <= 0 || dot > 12 || !/^[0-9a-f]+$/.test(issued)) return "invalid";
    const given = Buffer.from(nonce.slice(dot + 1), "latin1");
    const expected = Buffer.from(this.#mac(issued, client).toString("base64url"), "latin1");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
    const ageMs = this.#clock.now() - parseInt(issued, 16) * 1000;
    return ageMs >= 0 && ageMs < this.#lifetimeMs ? "valid" : "stale";
  }
}
