/** SHA-256 through WebCrypto (`crypto.subtle`), which Node 20 and every browser provide. */
export const HASH_LENGTH = 32;

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", data);
  return new Uint8Array(digest);
}
