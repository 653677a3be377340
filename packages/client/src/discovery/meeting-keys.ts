/**
 * What a meeting code becomes when there is no signaling server: an info-hash to meet under (a tracker swarm or a
 * DHT key) and a frame key that only holders of the code can derive. Both come from the code under a fixed
 * namespace, so they are the same for every peer and never collide with a torrent or with another application.
 */
export const DISCOVERY_NAMESPACE = "switchboard/meeting/v1";

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("WebCrypto (crypto.subtle) is not available: use a secure context");
  return s;
}

const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);

/** The meeting's 20-byte info-hash: SHA-1 over the namespace, a newline and the code. */
export async function meetingInfoHash(code: string): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest("SHA-1", utf8(`${DISCOVERY_NAMESPACE}\n${code}`)));
}

/**
 * The meeting's AES-256-GCM frame key: HKDF-SHA-256 over the code, salted with the namespace. The info-hash is
 * public (trackers and DHT nodes see it); this key is not derivable from it.
 */
export async function meetingFrameKey(code: string): Promise<CryptoKey> {
  const base = await subtle().importKey("raw", utf8(code), "HKDF", false, ["deriveKey"]);
  return subtle().deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8(DISCOVERY_NAMESPACE), info: utf8("frames") },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** A peer id derived from its public key (hex of the first 20 bytes of SHA-256 over the SPKI): unforgeable. */
export async function peerIdOfKey(spki: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest("SHA-256", spki)).subarray(0, 20));
}
