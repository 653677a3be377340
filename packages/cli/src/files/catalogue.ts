import { formatShareLink, fromHex, type FileShare, type OfferedFile } from "@switchboard/files";
import type { Output } from "../output.js";
import { formatBytes } from "./session.js";
import { originOf, type GetConfig } from "./config.js";

const aborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });

/** Prints each file on offer in the meeting as it is announced, for `listSeconds` (or until stopped). */
export async function listOffers(
  share: FileShare,
  config: GetConfig,
  out: Output,
  signal: AbortSignal,
): Promise<void> {
  const seen = new Set<string>();
  const off = share.catalogue.subscribe((files) => {
    for (const f of files) {
      if (seen.has(f.root)) continue;
      seen.add(f.root);
      const link = formatShareLink({
        origin: originOf(config.signalingUrl),
        root: fromHex(f.root, 32)!,
        meeting: config.meetingCode,
        signalingUrl: config.signalingUrl,
      });
      out.event(
        "offered",
        { ...f, link },
        `${f.name} (${formatBytes(f.size)}) from ${f.peers.length} peer(s): ${link}`,
      );
    }
  });
  await Promise.race([new Promise((r) => setTimeout(r, config.listSeconds * 1000)), aborted(signal)]);
  off();
  if (seen.size === 0) out.note("no files on offer in this meeting");
}

/** Waits (up to 30 s) for a file of this name to be offered; its root. */
export async function findOffer(share: FileShare, name: string, signal: AbortSignal): Promise<Uint8Array> {
  let found: OfferedFile | undefined;
  let off = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    off = share.catalogue.subscribe((files) => {
      found ??= files.find((f) => f.name === name);
      if (found) resolve();
    });
  });
  await Promise.race([wait, new Promise((r) => setTimeout(r, 30_000).unref()), aborted(signal)]);
  off();
  if (!found) throw new Error(`no file named "${name}" is on offer in this meeting`);
  return fromHex(found.root, 32)!;
}
