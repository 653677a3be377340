/**
 * Where a process's resident memory lies, from /proc/<pid>/smaps: V8's heap pages (anonymous mappings of exactly
 * 256 KiB, V8's page size; large-object pages and code ranges of other sizes count as "other anonymous"), malloc's
 * main heap (`[heap]`, grown by brk), other anonymous mappings (mmapped blocks such as 1 MiB slabs, whose adjacent
 * mappings the kernel merges, and malloc's per-thread arenas), and file-backed pages (the node binary, libraries).
 * A heuristic split for telling what grows besides the store, not an exact account.
 */
import { readFileSync } from "node:fs";

export interface ResidentSplit {
  v8Pages: number;
  mallocHeap: number;
  otherAnon: number;
  file: number;
}

const V8_PAGE_KIB = 256;

/** Resident bytes of `pid` by kind of mapping. */
export function residentSplit(
  pid: number,
  smaps = readFileSync(`/proc/${pid}/smaps`, "utf8"),
): ResidentSplit {
  const split: ResidentSplit = { v8Pages: 0, mallocHeap: 0, otherAnon: 0, file: 0 };
  let kind: keyof ResidentSplit = "otherAnon";
  for (const line of smaps.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const kib = (parseInt(head[2] ?? "0", 16) - parseInt(head[1] ?? "0", 16)) / 1024;
      const name = head[3] ?? "";
      kind =
        name === "[heap]"
          ? "mallocHeap"
          : name.startsWith("/")
            ? "file"
            : name === "" && kib === V8_PAGE_KIB
              ? "v8Pages"
              : "otherAnon";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) split[kind] += Number(rss[1]) * 1024;
  }
  return split;
}
