import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { manifestFromStream } from "../hash-pieces.js";
import type { Manifest } from "../manifest.js";

/** Hashes a file on disk, streaming (a 4 GB file is read once, one piece in memory at a time). */
export async function manifestFromFile(
  path: string,
  opts: { name?: string; mediaType?: string } = {},
): Promise<Manifest> {
  const { size } = await stat(path);
  return manifestFromStream({
    name: opts.name ?? basename(path),
    size,
    ...(opts.mediaType ? { mediaType: opts.mediaType } : {}),
    stream: createReadStream(path, { highWaterMark: 1 << 20 }),
  });
}
