import { readFile } from "node:fs/promises";
import type { AccessRules } from "./access-policy.js";
import { parseHashList, parsePasskeys } from "./hash-list.js";

export interface AccessFiles {
  readonly allowlist: string | undefined;
  readonly denylist: string | undefined;
  readonly passkeys: readonly string[];
  readonly passkeysFile: string | undefined;
}

/**
 * Reads the allow/deny list and passkey files into rules (at start and on SIGHUP). A missing file or a bad line
 * is an error: the caller keeps the rules it had.
 */
export async function loadAccessRules(files: AccessFiles): Promise<AccessRules> {
  const listPath = files.allowlist ?? files.denylist;
  const mode = files.allowlist !== undefined ? "allow" : files.denylist !== undefined ? "deny" : "open";
  let hashes: ReadonlySet<string> = new Set();
  if (listPath !== undefined) {
    const parsed = parseHashList(await readFile(listPath, "utf8"));
    if (parsed.badLines.length > 0)
      throw new Error(`${listPath}: no info-hash on line(s) ${parsed.badLines.join(", ")}`);
    hashes = parsed.hashes;
  }
  const passkeys = new Set(files.passkeys);
  if (files.passkeysFile !== undefined) {
    const parsed = parsePasskeys(await readFile(files.passkeysFile, "utf8"));
    if (parsed.badLines.length > 0) {
      throw new Error(`${files.passkeysFile}: bad passkey on line(s) ${parsed.badLines.join(", ")}`);
    }
    for (const k of parsed.hashes) passkeys.add(k);
  }
  return { mode, hashes, passkeys };
}
