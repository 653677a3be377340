import { concatBytes, decodeUtf8, encodeUtf8, bytesEqual } from "./bytes.js";
import { FilesError } from "./errors.js";
import { HASH_LENGTH, sha256 } from "./hash.js";
import { merkleRoot } from "./merkle.js";
import { isValidPieceSize, pieceCountFor } from "./piece-size.js";

/** What names and describes one shared file. `root` is the Merkle root that names it (see `computeRoot`). */
export interface Manifest {
  readonly name: string;
  readonly size: number;
  readonly mediaType: string;
  readonly pieceSize: number;
  readonly pieceHashes: readonly Uint8Array[];
  readonly root: Uint8Array;
}

export type ManifestFields = Omit<Manifest, "root">;

const MAGIC = encodeUtf8("SBFM");
const FORMAT_VERSION = 1;
const META_PREFIX = Uint8Array.of(0x02);
export const MAX_NAME_BYTES = 255;
export const MAX_MEDIA_TYPE_BYTES = 127;
/** 1 TiB at 4 MiB pieces; bounds the manifest a peer can make us hold to 8 MiB. */
export const MAX_PIECES = 262_144;
const HEADER_FIXED = MAGIC.length + 1 + 2 + 1 + 8 + 4 + 4;
export const MAX_MANIFEST_BYTES =
  HEADER_FIXED + MAX_NAME_BYTES + MAX_MEDIA_TYPE_BYTES + MAX_PIECES * HASH_LENGTH;

const invalid = (why: string): FilesError => new FilesError("manifest_invalid", `manifest: ${why}`);

/** A file name a peer may hand us, used as a path component: no separators, controls, or dot names. */
export function checkFileName(name: string): void {
  const bytes = encodeUtf8(name).length;
  if (bytes === 0 || bytes > MAX_NAME_BYTES) throw invalid(`name must be 1–${MAX_NAME_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f]/.test(name))
    throw invalid("name has a path separator or a control character");
  if (name === "." || name === "..") throw invalid("name cannot be . or ..");
}

function checkFields(m: ManifestFields): void {
  checkFileName(m.name);
  const mt = encodeUtf8(m.mediaType);
  if (
    mt.length === 0 ||
    mt.length > MAX_MEDIA_TYPE_BYTES ||
    !/^[\x21-\x7e]+\/[\x21-\x7e]+$/.test(m.mediaType)
  ) {
    throw invalid("media type must look like type/subtype");
  }
  if (!Number.isSafeInteger(m.size) || m.size < 0) throw invalid("size must be a non-negative safe integer");
  if (!isValidPieceSize(m.pieceSize)) throw invalid("piece size must be a power of two from 64 KiB to 4 MiB");
  const count = pieceCountFor(m.size, m.pieceSize);
  if (count > MAX_PIECES) throw invalid(`more than ${MAX_PIECES} pieces`);
  if (m.pieceHashes.length !== count)
    throw invalid(`expected ${count} piece hashes, got ${m.pieceHashes.length}`);
  for (const h of m.pieceHashes) if (h.length !== HASH_LENGTH) throw invalid("a piece hash is not 32 bytes");
}

function encodeHeader(m: ManifestFields): Uint8Array {
  const name = encodeUtf8(m.name);
  const mt = encodeUtf8(m.mediaType);
  const out = new Uint8Array(HEADER_FIXED + name.length + mt.length);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  let at = MAGIC.length;
  out[at++] = FORMAT_VERSION;
  view.setUint16(at, name.length);
  out.set(name, (at += 2));
  at += name.length;
  out[at++] = mt.length;
  out.set(mt, at);
  at += mt.length;
  view.setBigUint64(at, BigInt(m.size));
  view.setUint32((at += 8), m.pieceSize);
  view.setUint32(at + 4, m.pieceHashes.length);
  return out;
}

/** The root: Merkle root over [SHA-256(0x02 ‖ header), pieceHash₀, …], so name, size and type are covered too. */
export async function computeRoot(m: ManifestFields): Promise<Uint8Array> {
  const metaLeaf = await sha256(concatBytes([META_PREFIX, encodeHeader(m)]));
  return merkleRoot([metaLeaf, ...m.pieceHashes]);
}

export async function createManifest(fields: ManifestFields): Promise<Manifest> {
  checkFields(fields);
  return Object.freeze({
    ...fields,
    pieceHashes: Object.freeze([...fields.pieceHashes]),
    root: await computeRoot(fields),
  });
}

/** The one canonical encoding: header, then the piece hashes in order. */
export function encodeManifest(m: ManifestFields): Uint8Array {
  return concatBytes([encodeHeader(m), ...m.pieceHashes]);
}

/** Decodes and checks a manifest from a peer against the root we asked for; any mismatch is an error. */
export async function decodeManifest(bytes: Uint8Array, expectedRoot: Uint8Array): Promise<Manifest> {
  if (bytes.length < HEADER_FIXED || bytes.length > MAX_MANIFEST_BYTES) throw invalid("length out of bounds");
  if (!bytesEqual(bytes.subarray(0, MAGIC.length), MAGIC)) throw invalid("bad magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = MAGIC.length;
  if (bytes[at++] !== FORMAT_VERSION) throw invalid("unknown format version");
  const nameLen = view.getUint16(at);
  at += 2;
  if (at + nameLen + 1 > bytes.length) throw invalid("truncated name");
  const name = decodeUtf8(bytes.subarray(at, (at += nameLen)));
  const mtLen = bytes[at++];
  if (at + mtLen + 16 > bytes.length) throw invalid("truncated header");
  const mediaType = decodeUtf8(bytes.subarray(at, (at += mtLen)));
  if (name === null || mediaType === null) throw invalid("text is not UTF-8");
  const size = view.getBigUint64(at);
  const pieceSize = view.getUint32((at += 8));
  const count = view.getUint32((at += 4));
  at += 4;
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid("size too large");
  if (count > MAX_PIECES || bytes.length !== at + count * HASH_LENGTH)
    throw invalid("piece hash list length");
  const pieceHashes: Uint8Array[] = [];
  for (let i = 0; i < count; i++)
    pieceHashes.push(bytes.slice(at + i * HASH_LENGTH, at + (i + 1) * HASH_LENGTH));
  const manifest = await createManifest({ name, size: Number(size), mediaType, pieceSize, pieceHashes });
  if (!bytesEqual(manifest.root, expectedRoot)) {
    throw new FilesError("manifest_mismatch", "manifest does not match the root it was fetched for");
  }
  return manifest;
}
