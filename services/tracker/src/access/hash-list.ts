/**
 * Info-hash list files (allow or deny lists): one 40-character hex info-hash per line; blank lines and
 * `#` comments ignored; anything after the hash on a line (a torrent name) is ignored too.
 */
export interface ParsedHashList {
  readonly hashes: ReadonlySet<string>;
  /** 1-based line numbers that held no valid info-hash. */
  readonly badLines: readonly number[];
}

export function parseHashList(text: string): ParsedHashList {
  const hashes = new Set<string>();
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = (raw.split("#")[0] ?? "").trim();
    if (line === "") return;
    const first = line.split(/\s+/)[0] ?? "";
    if (/^[0-9a-fA-F]{40}$/.test(first)) hashes.add(first.toLowerCase());
    else badLines.push(i + 1);
  });
  return { hashes, badLines };
}

/** Passkeys: one per line (or comma-separated), 8 to 64 characters of `[A-Za-z0-9_-]`. */
export function parsePasskeys(text: string): ParsedHashList {
  const keys = new Set<string>();
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    for (const part of (raw.split("#")[0] ?? "").split(",")) {
      const key = part.trim();
      if (key === "") continue;
      if (/^[A-Za-z0-9_-]{8,64}$/.test(key)) keys.add(key);
      else badLines.push(i + 1);
    }
  });
  return { hashes: keys, badLines };
}
