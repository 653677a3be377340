// Where a download's verified pieces go, and how the finished file reaches the user.
//   - Files up to MEMORY_FALLBACK_MAX_BYTES (256 MiB) are assembled in memory: the fastest path, and Chromium's
//     OPFS `createWritable` copies the whole file into a swap file on every write, which costs seconds per
//     piece on a large file.
//   - Larger files go to the Origin Private File System (OpfsStore), which also survives a reload.
// Saving: the finished bytes become a Blob, offered as a download through a blob: URL (an `<a download>`), or
// written where the user chooses with the File System Access API (`showSaveFilePicker`) where the browser has it.
import {
  MEMORY_FALLBACK_MAX_BYTES,
  MemoryStore,
  OpfsStore,
  openBrowserStore,
  type Manifest,
  type PieceStore,
} from "@switchboard/files";
import { BlobSource } from "./blob-source";

export function openDownloadStore(manifest: Manifest): Promise<PieceStore> {
  if (manifest.size <= MEMORY_FALLBACK_MAX_BYTES) return Promise.resolve(new MemoryStore(manifest));
  return openBrowserStore(manifest);
}

/** The finished file of a store as a Blob (null while pieces are missing). */
export async function finishedBlob(store: PieceStore, manifest: Manifest): Promise<Blob | null> {
  if (!store.verified.complete) return null;
  const type = manifest.mediaType || "application/octet-stream";
  if (store instanceof BlobSource) return store.blob;
  if (store instanceof MemoryStore) return new Blob([store.bytes as Uint8Array<ArrayBuffer>], { type });
  if (store instanceof OpfsStore) return (await store.file()) as unknown as Blob;
  const bytes = await store.read(0, manifest.size);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
}

/** Offers a Blob as a download named `name` (the browser's own download flow). */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference to the Blob once started; release ours after a moment.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

interface SaveFilePicker {
  showSaveFilePicker(opts: { suggestedName: string }): Promise<{
    createWritable(): Promise<{ write(data: Blob): Promise<void>; close(): Promise<void> }>;
  }>;
}

/** Whether the browser lets the page write a file where the user chooses (File System Access). */
export function canChooseSaveLocation(): boolean {
  return typeof (globalThis as Partial<SaveFilePicker>).showSaveFilePicker === "function";
}

/** Writes the Blob where the user picks; resolves false when they cancel. */
export async function saveBlobAs(blob: Blob, name: string): Promise<boolean> {
  const picker = globalThis as unknown as SaveFilePicker;
  try {
    const handle = await picker.showSaveFilePicker({ suggestedName: name });
    const w = await handle.createWritable();
    await w.write(blob);
    await w.close();
    return true;
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") return false;
    throw e;
  }
}
