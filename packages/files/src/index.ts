// @switchboard/files: file sharing over peer data channels (browser-safe). Node storage is in "./node".
export { Bitfield } from "./bitfield.js";
export { toHex, fromHex } from "./bytes.js";
export { FilesError, WireError, type FilesErrorCode } from "./errors.js";
export { sha256, HASH_LENGTH, type PieceHasher } from "./hash.js";
export { merkleRoot } from "./merkle.js";
export {
  createManifest,
  computeRoot,
  encodeManifest,
  decodeManifest,
  checkFileName,
  MAX_PIECES,
  type Manifest,
  type ManifestFields,
} from "./manifest.js";
export { hashPieces, manifestFromStream, manifestFromBytes, type ManifestSource } from "./hash-pieces.js";
export {
  choosePieceSize,
  pieceCountFor,
  pieceLength,
  BLOCK_SIZE,
  MIN_PIECE_SIZE,
  MAX_PIECE_SIZE,
} from "./piece-size.js";
export { formatShareLink, parseShareLink, defaultSignalingUrl, type ShareLink } from "./share-link.js";
export { encodeFrame, decodeFrame } from "./wire/codec.js";
export * from "./wire/frames.js";
export { FILES_CHANNEL_LABEL, type PeerChannel } from "./peer-channel.js";
export { createChannelPair, type MemoryChannelOptions } from "./memory-channel.js";
export { writable, type Readable, type Writable } from "./readable.js";
export { Emitter } from "./emitter.js";
export type { PieceStore, PieceStoreFactory } from "./storage/piece-store.js";
export { MemoryStore } from "./storage/memory-store.js";
export { OpfsStore, openBrowserStore, MEMORY_FALLBACK_MAX_BYTES } from "./storage/opfs-store.js";
export { PiecePicker, type BlockSpan } from "./swarm/piece-picker.js";
export { RequestWindow } from "./swarm/request-window.js";
export { FileSwarm, type SwarmEvents, type FileSwarmOptions } from "./swarm/file-swarm.js";
export type { FileProgress, PeerProgress, FileState } from "./swarm/progress.js";
export { FileShare, type OfferedFile, type FileShareEvents, type FileShareOptions } from "./file-share.js";
export { attachToClient, type ChannelClient } from "./attach-client.js";
