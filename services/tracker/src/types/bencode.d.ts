// Types for the `bencode` 4 package (it ships none).
declare module "bencode" {
  interface Bencode {
    encode(data: unknown): Uint8Array;
    /** Without an encoding, strings come back as Uint8Array (binary-safe). */
    decode(data: Uint8Array, encoding?: string): unknown;
    byteLength(data: unknown): number;
  }
  const bencode: Bencode;
  export default bencode;
}
