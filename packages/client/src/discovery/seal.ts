import { fromBase64Url, toBase64Url } from "../crypto/base64url.js";
import { freshNonce, type SigningKeyPair } from "../crypto/signing.js";
import {
  acceptable,
  decodeBody,
  decodeEnvelope,
  encodeEnvelope,
  MAX_ENVELOPE_CHARS,
  type DiscoveryFrame,
  type FrameBody,
} from "./frame.js";
import { peerIdOfKey } from "./meeting-keys.js";

/**
 * Sealing of discovery frames: the body is signed with the sender's ECDSA P-256 key (its peer id is the hash
 * of that key), then the envelope is encrypted with AES-256-GCM under the meeting's frame key, the info-hash as
 * additional data. Trackers and DHT nodes relay opaque text; a peer without the meeting code can neither read
 * nor forge a frame; a peer with the code cannot speak for another peer id.
 */

const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;
const ECDSA = { name: "ECDSA", namedCurve: "P-256" } as const;
/** Largest sealed text, characters (base64url of IV ‖ ciphertext ‖ tag). */
export const MAX_SEALED_CHARS = 16_384;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("WebCrypto (crypto.subtle) is not available");
  return s;
}

export interface SealContext {
  readonly key: CryptoKey;
  readonly infoHash: Uint8Array<ArrayBuffer>;
}

/** Signs and encrypts a frame; throws when it would exceed the size limit. */
export async function sealFrame(
  ctx: SealContext,
  keys: SigningKeyPair,
  frame: DiscoveryFrame,
  now = Date.now(),
): Promise<string> {
  const body = JSON.stringify({ f: frame, ts: now, n: freshNonce() } satisfies FrameBody);
  const sig = new Uint8Array(await subtle().sign(SIGN, keys.privateKey, new TextEncoder().encode(body)));
  const plain = encodeEnvelope({ b: body, s: toBase64Url(sig) });
  if (plain.length > MAX_ENVELOPE_CHARS) throw new RangeError(`frame too large (${plain.length} characters)`);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const cipher = await subtle().encrypt(
    { name: "AES-GCM", iv, additionalData: ctx.infoHash },
    ctx.key,
    new TextEncoder().encode(plain),
  );
  const out = new Uint8Array(12 + cipher.byteLength);
  out.set(iv);
  out.set(new Uint8Array(cipher), 12);
  return toBase64Url(out);
}

/** Where a sender's verification key comes from: its hello carries it; later frames use the one remembered. */
export type KeyLookup = (peerId: string) => CryptoKey | undefined;

export interface OpenedFrame {
  readonly body: FrameBody;
  /** Set for a hello: the sender's key, already checked against its id. */
  readonly key?: CryptoKey;
  /** The signature's nonce (for replay detection by the caller). */
  readonly nonce: string;
}

/**
 * Decrypts, parses and verifies a sealed frame. Undefined for anything that does not pass: wrong meeting key,
 * malformed text, stale timestamp, a signal for someone else, a key that does not hash to the sender id, a bad
 * signature, or a non-hello from a sender whose key is not known yet. Never throws.
 */
export async function openFrame(
  ctx: SealContext,
  sealed: string,
  self: string,
  keyOf: KeyLookup,
  now = Date.now(),
): Promise<OpenedFrame | undefined> {
  try {
    if (sealed.length > MAX_SEALED_CHARS || sealed.length < 40) return undefined;
    const raw = fromBase64Url(sealed);
    const plain = await subtle().decrypt(
      { name: "AES-GCM", iv: raw.subarray(0, 12), additionalData: ctx.infoHash },
      ctx.key,
      raw.subarray(12),
    );
    const env = decodeEnvelope(new TextDecoder().decode(plain));
    if (!env) return undefined;
    const body = decodeBody(env.b);
    if (!body || !acceptable(body, self, now)) return undefined;
    let key = keyOf(body.f.from);
    let fresh: CryptoKey | undefined;
    if (body.f.t === "hello") {
      const spki = fromBase64Url(body.f.key);
      if ((await peerIdOfKey(spki)) !== body.f.from) return undefined;
      fresh = await subtle().importKey("spki", spki, ECDSA, false, ["verify"]);
      key = fresh;
    }
    if (!key) return undefined;
    const ok = await subtle().verify(SIGN, key, fromBase64Url(env.s), new TextEncoder().encode(env.b));
    if (!ok) return undefined;
    return { body, nonce: body.n, ...(fresh ? { key: fresh } : {}) };
  } catch {
    return undefined;
  }
}
