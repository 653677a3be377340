/**
 * Long-term credential checks of a request (RFC 8489 §9.2.4): missing MESSAGE-INTEGRITY → 401 with a challenge,
 * missing USERNAME/REALM/NONCE → 400, a nonce that is not ours or too old → 438 with a fresh one, an unknown or
 * expired user or a wrong MESSAGE-INTEGRITY → 401. Keys are tried in constant time by the codec.
 */
import {
  AttributeType,
  StunDecodeError,
  decodeText,
  getAttribute,
  verifyMessageIntegrity,
  type StunMessage,
} from "@switchboard/stun-codec";
import { StunErrorReply } from "../errors.js";
import type { Identity } from "../handlers/context.js";
import type { AuthFailure } from "../metrics.js";
import type { CredentialStore } from "./credentials.js";
import type { NonceIssuer } from "./nonce.js";

export type AuthOutcome =
  | { readonly ok: true; readonly identity: Identity }
  | {
      readonly ok: false;
      readonly error: StunErrorReply;
      readonly reason: AuthFailure;
      readonly challenge: boolean;
    };

const fail = (name: "BAD_REQUEST" | "UNAUTHENTICATED" | "STALE_NONCE", reason: AuthFailure): AuthOutcome => ({
  ok: false,
  error: new StunErrorReply(name),
  reason,
  challenge: name !== "BAD_REQUEST",
});

function text(msg: StunMessage, type: number): string | undefined {
  const a = getAttribute(msg, type);
  if (a === undefined) return undefined;
  try {
    return decodeText(a.value, type);
  } catch (err) {
    if (err instanceof StunDecodeError) return undefined;
    throw err;
  }
}

export class Authenticator {
  readonly #store: CredentialStore;
  readonly #nonces: NonceIssuer;

  constructor(store: CredentialStore, nonces: NonceIssuer) {
    this.#store = store;
    this.#nonces = nonces;
  }

  get realm(): string {
    return this.#store.realm;
  }

  /** A fresh nonce for the client (sent with REALM in 401 and 438 responses). */
  nonce(clientKey: string): string {
    return this.#nonces.issue(clientKey);
  }

  authenticate(msg: StunMessage, clientKey: string): AuthOutcome {
    if (getAttribute(msg, AttributeType.MessageIntegrity) === undefined)
      return fail("UNAUTHENTICATED", "missing");
    const username = text(msg, AttributeType.Username);
    const realm = text(msg, AttributeType.Realm);
    const nonce = text(msg, AttributeType.Nonce);
    if (username === undefined || realm === undefined || nonce === undefined) {
      return fail("BAD_REQUEST", "bad_request");
    }
    if (this.#nonces.check(nonce, clientKey) !== "valid") return fail("STALE_NONCE", "stale_nonce");
    if (realm !== this.#store.realm) return fail("UNAUTHENTICATED", "bad_integrity");
    const lookup = this.#store.lookup(username);
    if (!lookup.ok) return fail("UNAUTHENTICATED", lookup.reason);
    for (const key of lookup.keys) {
      if (verifyMessageIntegrity(msg, key)) {
        const { quotaKey, quotaLimit } = lookup;
        return {
          ok: true,
          identity: { username, quotaKey, key, ...(quotaLimit === undefined ? {} : { quotaLimit }) },
        };
      }
    }
    return fail("UNAUTHENTICATED", "bad_integrity");
  }
}
