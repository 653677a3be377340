import type { SdpSignature } from "@switchboard/protocol";
import { fromBase64Url, toBase64Url } from "./base64url.js";

const ALG = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

export interface SigningKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** base64url SPKI of the public key, as it travels in `SdpSignature.publicKey`. */
  readonly publicKeySpki: string;
}

/** What a signature covers: the SDP, its kind, both ends' session ids and a fresh nonce. */
export interface SignedFields {
  readonly kind: "offer" | "answer";
  readonly sdp: string;
  /** Session id of the signer. */
  readonly from: string;
  /** Session id of the intended receiver. */
  readonly to: string;
  readonly nonce: string;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s)
    throw new Error("WebCrypto (crypto.subtle) is not available: use a secure context (https or localhost)");
  return s;
}

/** The exact bytes signed: one line per field, the SDP last (it may hold anything but is length-prefixed). */
export function signaturePayload(f: SignedFields): Uint8Array<ArrayBuffer> {
  const text = `switchboard-sdp-v1\n${f.kind}\n${f.from}\n${f.to}\n${f.nonce}\n${f.sdp.length}\n${f.sdp}`;
  return new TextEncoder().encode(text);
}

/** A fresh ECDSA P-256 key pair (non-extractable private key). */
export async function generateKeyPair(): Promise<SigningKeyPair> {
  const pair = await subtle().generateKey(ALG, false, ["sign", "verify"]);
  const spki = new Uint8Array(await subtle().exportKey("spki", pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, publicKeySpki: toBase64Url(spki) };
}

/** A random 16-byte nonce, base64url. */
export function freshNonce(): string {
  return toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

/** Signs an offer or answer for one receiver. */
export async function sign(keys: SigningKeyPair, fields: Omit<SignedFields, "nonce">): Promise<SdpSignature> {
  const nonce = freshNonce();
  const sig = await subtle().sign(SIGN, keys.privateKey, signaturePayload({ ...fields, nonce }));
  return { alg: "ES256", publicKey: keys.publicKeySpki, signature: toBase64Url(new Uint8Array(sig)), nonce };
}

/** Whether a signature is valid for these fields (false on any malformed key or signature). */
export async function verify(signature: SdpSignature, fields: Omit<SignedFields, "nonce">): Promise<boolean> {
  try {
    if (signature.alg !== "ES256") return false;
    const key = await subtle().importKey("spki", fromBase64Url(signature.publicKey), ALG, false, ["verify"]);
    return await subtle().verify(
      SIGN,
      key,
      fromBase64Url(signature.signature),
      signaturePayload({ ...fields, nonce: signature.nonce }),
    );
  } catch {
    return false;
  }
}
