/**
 * Where long-term keys come from (RFC 8489 §9.2.2: key = MD5(username ":" realm ":" password)):
 * static users, whose keys are derived once at start-up, and TURN REST API usernames
 * (`<expiry>[:<user id>]`), whose password is HMAC-SHA1 of the username under each configured shared secret
 * (several at once while a secret is being rotated). Expired REST usernames get no key.
 * Quotas are counted per static user and per REST user part, whatever the expiry; REST usernames without a user
 * part (`<expiry>` only) all share one quota of `noUserQuota` allocations (0: none, so they are refused).
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
  /** Allocations shared by every REST username without a user part (0 refuses them). */
  readonly noUserQuota?: number;
}

export type KeyLookup =
  | {
      readonly ok: true;
      readonly keys: readonly Uint8Array[];
      readonly quotaKey: string;
      /** Set when the key has its own limit instead of TURN_USER_QUOTA. */
      readonly quotaLimit?: number;
    }
  | { readonly ok: false; readonly reason: "unknown_user" | "expired" };

/**
 * MD5(username:realm:password), the long-term credential key. Strings are used as given (no SASLprep /
 * OpaqueString), as coturn and browsers do, so non-ASCII passwords interoperate with them.
 */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  return codecLongTermKey({ username, realm, password, preparation: "none" });
}

/** The one quota key of every REST username without a user part. */
export const NO_USER_QUOTA_KEY = "rest-without-user";

export class CredentialStore {
  readonly realm: string;
  readonly #static = new Map<string, Uint8Array>();
  readonly #secrets: readonly string[];
  readonly #clock: Clock;
  readonly #noUserQuota: number;

  constructor(opts: CredentialStoreOptions) {
    this.realm = opts.realm;
    this.#secrets = opts.secrets;
    this.#clock = opts.clock;
    this.#noUserQuota = opts.noUserQuota ?? 0;
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
    if (parsed.userId !== undefined) return { ok: true, keys, quotaKey: `r:${parsed.userId}` };
    // Outside the `u:`/`r:` key spaces, so no user can share it by name.
    return { ok: true, keys, quotaKey: NO_USER_QUOTA_KEY, quotaLimit: this.#noUserQuota };
  }
}
