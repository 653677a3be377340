/**
 * Where long-term keys come from (RFC 8489 §9.2.2: key = MD5(username ":" realm ":" password)):
 * static users, whose keys are derived once at start-up, and TURN REST API usernames
 * (`<expiry>[:<user id>]`), whose password is HMAC-SHA1 of the username under each configured shared secret
 * (several at once while a secret is being rotated). Expired REST usernames get no key.
 */
import type { Clock } from "@switchboard/runtime";
import { longTermKey as codecLongTermKey } from "@switchboard/stun-codec";
import { parseTurnUsername, turnPassword, verifyTurnUsername } from "@switchboard/turn-credentials";

export interface CredentialStoreOptions {
  readonly realm: string;
  /** `user:password` entries. */
  readonly users: readonly string[];
  readonly secrets: readonly string[];
  readonly clock: Clock;
}

export type KeyLookup =
  | { readonly ok: true; readonly keys: readonly Uint8Array[]; readonly quotaKey: string }
  | { readonly ok: false; readonly reason: "unknown_user" | "expired" };

/**
 * MD5(username:realm:password), the long-term credential key. Strings are used as given (no SASLprep /
 * OpaqueString), as coturn and browsers do, so non-ASCII passwords interoperate with them.
 */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  return codecLongTermKey({ username, realm, password, preparation: "none" });
}

export class CredentialStore {
  readonly realm: string;
  readonly #static = new Map<string, Uint8Array>();
  readonly #secrets: readonly string[];
  readonly #clock: Clock;

  constructor(opts: CredentialStoreOptions) {
    this.realm = opts.realm;
    this.#secrets = opts.secrets;
    this.#clock = opts.clock;
    for (const entry of opts.users) {
      const i = entry.indexOf(":");
      const user = entry.slice(0, i);
      this.#static.set(user, longTermKey(user, opts.realm, entry.slice(i + 1)));
    }
  }

  /** Candidate keys for a username: one for a static user, one per secret for a REST username. */
  lookup(username: string): KeyLookup {
    const key = this.#static.get(username);
    if (key !== undefined) return { ok: true, keys: [key], quotaKey: `u:${username}` };
    if (this.#secrets.length === 0) return { ok: false, reason: "unknown_user" };
    const parsed = parseTurnUsername(username);
    if (parsed === undefined) return { ok: false, reason: "unknown_user" };
    if (!verifyTurnUsername(username, this.#clock.now())) return { ok: false, reason: "expired" };
    const keys = this.#secrets.map((s) => longTermKey(username, this.realm, turnPassword(s, username)));
    return { ok: true, keys, quotaKey: `r:${parsed.userId ?? username}` };
  }
}
