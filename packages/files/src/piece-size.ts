/** Piece sizes: powers of two from 64 KiB to 4 MiB, chosen so that a file has about 1 000–2 000 pieces. */
export const MIN_PIECE_SIZE = 64 * 1024;
export const MAX_PIECE_SIZE = 4 * 1024 * 1024;
/** Blocks are the unit of a request on the wire. */
export const BLOCK_SIZE = 16 * 1024;
const TARGET_PIECES = 1024;

export function choosePieceSize(fileSize: number): number {
  let size = MIN_PIECE_SIZE;
  while (size < MAX_PIECE_SIZE && fileSize / size > TARGET_PIECES * 2) size *= 2;
  return size;
}

export function pieceCountFor(fileSize: number, pieceSize: number): number {
  return Math.ceil(fileSize / pieceSize);
}

/** The length of piece `index` (the last one may be short). */
export function pieceLength(fileSize: number, pieceSize: number, index: number): number {
  return Math.min(pieceSize, fileSize - index * pieceSize);
}

export function isValidPieceSize(size: number): boolean {
  return (
    Number.isInteger(size) && size >= MIN_PIECE_SIZE && size <= MAX_PIECE_SIZE && (size & (size - 1)) === 0
  );
}
