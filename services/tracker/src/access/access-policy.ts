import type { TrackerFailureCode } from "@switchboard/protocol";

export interface AccessRules {
  /** `allow`: only listed info-hashes; `deny`: all but the listed ones; `open`: everything. */
  readonly mode: "open" | "allow" | "deny";
  /** Lower-case hex info-hashes. */
  readonly hashes: ReadonlySet<string>;
  /** When non-empty, every request needs one of these passkeys in its URL path. */
  readonly passkeys: ReadonlySet<string>;
}

/** Which torrents and passkeys the tracker serves; the rules are swapped whole on reload (SIGHUP). */
export class AccessPolicy {
  #rules: AccessRules;
  constructor(rules: AccessRules) {
    this.#rules = rules;
  }

  get rules(): AccessRules {
    return this.#rules;
  }

  /** Whether every request is served whatever its torrent and passkey (open mode, no passkeys). */
  get servesAll(): boolean {
    return this.#rules.mode === "open" && this.#rules.passkeys.size === 0;
  }

  replace(rules: AccessRules): void {
    this.#rules = rules;
  }

  /** The failure for a request, or undefined when it may be served. */
  check(infoHash: Uint8Array | undefined, passkey: string | undefined): TrackerFailureCode | undefined {
    const rules = this.#rules;
    if (rules.passkeys.size > 0) {
      if (passkey === undefined) return "PASSKEY_REQUIRED";
      if (!rules.passkeys.has(passkey)) return "PASSKEY_INVALID";
    }
    if (infoHash === undefined || rules.mode === "open") return undefined;
    const listed = rules.hashes.has(Buffer.from(infoHash).toString("hex"));
    return listed === (rules.mode === "allow") ? undefined : "TORRENT_NOT_ALLOWED";
  }
}
