// Shared generators for the fuzz and property suites: a seeded PRNG, random messages and mutations.
import assert from "node:assert/strict";
import {
  AttributeType,
  decodeAddress,
  decodeAddressErrorCode,
  decodeChangeRequest,
  decodeChannelNumber,
  decodeErrorCode,
  decodeEvenPort,
  decodeIcmp,
  decodeLifetime,
  decodePasswordAlgorithm,
  decodePasswordAlgorithms,
  decodeRequestedTransport,
  decodeResponsePort,
  decodeText,
  decodeTieBreaker,
  decodeUnknownAttributes,
  decodeXorAddress,
  shortTermKey,
  type StunAttribute,
  type StunClass,
} from "../src/index.js";

export const ITERATIONS = Number(process.env["STUN_FUZZ_ITERATIONS"] ?? 100_000);
export const SEED = Number(process.env["STUN_FUZZ_SEED"] ?? (Math.random() * 2 ** 32) >>> 0);

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): { next(): number; int(n: number): number; bytes(n: number): Uint8Array } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = int(256);
    return out;
  };
  return { next, int, bytes };
}
export type Rng = ReturnType<typeof prng>;

/** Runs `body` with the seed in the failure message. */
export function withSeed(name: string, body: (rng: Rng) => void): void {
  const seed = (SEED + name.length * 7919) >>> 0;
  try {
    body(prng(seed));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    assert.fail(`${name} failed with STUN_FUZZ_SEED=${SEED} (sub-seed ${seed}): ${msg}`);
  }
}

export const KEY = shortTermKey("fuzz-password");
export const T = AttributeType;

/** Every typed decoder, keyed by attribute type, to run on whatever the decoder accepted. */
export const TYPED: ReadonlyMap<number, (v: Uint8Array, tid: Uint8Array, type: number) => unknown> = new Map<
  number,
  (v: Uint8Array, tid: Uint8Array, type: number) => unknown
>([
  [T.MappedAddress, (v, _t, type) => decodeAddress(v, type)],
  [T.AlternateServer, (v, _t, type) => decodeAddress(v, type)],
  [T.ResponseOrigin, (v, _t, type) => decodeAddress(v, type)],
  [T.OtherAddress, (v, _t, type) => decodeAddress(v, type)],
  [T.XorMappedAddress, (v, t, type) => decodeXorAddress(v, t, type)],
  [T.XorPeerAddress, (v, t, type) => decodeXorAddress(v, t, type)],
  [T.XorRelayedAddress, (v, t, type) => decodeXorAddress(v, t, type)],
  [T.Username, (v, _t, type) => decodeText(v, type)],
  [T.Realm, (v, _t, type) => decodeText(v, type)],
  [T.Nonce, (v, _t, type) => decodeText(v, type)],
  [T.Software, (v, _t, type) => decodeText(v, type)],
  [T.AlternateDomain, (v, _t, type) => decodeText(v, type)],
  [T.ErrorCode, (v) => decodeErrorCode(v)],
  [T.AddressErrorCode, (v) => decodeAddressErrorCode(v)],
  [T.UnknownAttributes, (v) => decodeUnknownAttributes(v)],
  [T.PasswordAlgorithm, (v) => decodePasswordAlgorithm(v)],
  [T.PasswordAlgorithms, (v) => decodePasswordAlgorithms(v)],
  [T.ChangeRequest, (v) => decodeChangeRequest(v)],
  [T.ResponsePort, (v) => decodeResponsePort(v)],
  [T.ChannelNumber, (v) => decodeChannelNumber(v)],
  [T.Lifetime, (v) => decodeLifetime(v)],
  [T.RequestedTransport, (v) => decodeRequestedTransport(v)],
  [T.EvenPort, (v) => decodeEvenPort(v)],
  [T.Icmp, (v) => decodeIcmp(v)],
  [T.IceControlling, (v, _t, type) => decodeTieBreaker(v, type)],
]);

export const INTERESTING_TYPES = [
  ...TYPED.keys(),
  0x0024,
  0x0025,
  0x8029,
  0x0013,
  0x001e,
  0x001a,
  0x0022,
  0x7fff,
  0xfffe,
];

export function randomAttribute(rng: Rng): StunAttribute {
  const type = rng.next() < 0.7 ? INTERESTING_TYPES[rng.int(INTERESTING_TYPES.length)] : rng.int(0x10000);
  const len = rng.next() < 0.8 ? rng.int(24) : rng.int(300);
  return { type, value: rng.bytes(len) };
}

export const SPECIAL = new Set<number>([T.MessageIntegrity, T.MessageIntegritySha256, T.Fingerprint]);

export function randomMessage(rng: Rng): {
  method: number;
  cls: StunClass;
  transactionId: Uint8Array;
  attributes: StunAttribute[];
} {
  const attributes: StunAttribute[] = [];
  const n = rng.int(8);
  for (let i = 0; i < n; i++) {
    const a = randomAttribute(rng);
    if (!SPECIAL.has(a.type)) attributes.push(a);
  }
  return { method: rng.int(0x1000), cls: rng.int(4) as StunClass, transactionId: rng.bytes(12), attributes };
}

export function mutate(rng: Rng, input: Uint8Array): Uint8Array {
  let b: Uint8Array = input.slice();
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const op = rng.int(7);
    if (b.length === 0) b = rng.bytes(rng.int(40));
    const at = rng.int(Math.max(1, b.length));
    if (op === 0) b[at] = b[at] ^ (1 << rng.int(8));
    else if (op === 1) b[at] = rng.int(256);
    else if (op === 2) b = b.slice(0, rng.int(b.length + 1));
    else if (op === 3) b = Uint8Array.from([...b, ...rng.bytes(rng.int(12))]);
    else if (op === 4 && b.length >= 4) {
      // rewrite the header length (sometimes to a plausible value)
      const len = rng.next() < 0.5 ? (b.length - 20) & 0xffff : rng.int(0x10000);
      b[2] = len >> 8;
      b[3] = len & 0xff;
    } else if (op === 5 && b.length > 24) {
      // rewrite an attribute length field at a 4-byte boundary
      const pos = 20 + 4 * rng.int((b.length - 20) >> 2);
      if (pos + 3 < b.length) {
        const len = rng.int(80);
        b[pos + 2] = len >> 8;
        b[pos + 3] = len & 0xff;
      }
    } else if (op === 6 && b.length > 24) {
      // splice in an integrity or fingerprint attribute header
      const pos = 20 + 4 * rng.int((b.length - 20) >> 2);
      if (pos + 3 < b.length) {
        const t = [T.MessageIntegrity, T.MessageIntegritySha256, T.Fingerprint][rng.int(3)];
        b[pos] = t >> 8;
        b[pos + 1] = t & 0xff;
      }
    }
  }
  return b;
}
