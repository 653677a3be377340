import { Type, type Static } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { SignalData } from "@switchboard/protocol";

/**
 * The frames peers exchange when they meet without signaling (through a tracker's offer/answer relay or a DHT
 * rendezvous connection). Pure: JSON text in and out, checked against the schemas below; sealing (signature and
 * encryption) is `seal.ts`.
 */

/** A peer id: 40 lower-case hex characters (20 bytes), derived from the peer's public key. */
const PeerHexId = Type.String({ pattern: "^[0-9a-f]{40}$" });
const Base64Url = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: "^[A-Za-z0-9_-]+$" });

/** Most signals in one frame (trickled candidates are batched). */
export const MAX_SIGNALS_PER_FRAME = 32;

/** A peer introduces itself; `ack` marks the reply to someone else's hello (no reply to it). */
export const HelloFrame = Type.Object(
  {
    t: Type.Literal("hello"),
    from: PeerHexId,
    /** base64url SPKI of the ECDSA P-256 key that signs this peer's frames; `from` is derived from it. */
    key: Base64Url(256),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    ack: Type.Boolean(),
    joinedAt: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** Offers, answers and candidates for one peer, in order. */
export const SignalFrame = Type.Object(
  {
    t: Type.Literal("signal"),
    from: PeerHexId,
    to: PeerHexId,
    data: Type.Array(SignalData, { minItems: 1, maxItems: MAX_SIGNALS_PER_FRAME }),
  },
  { additionalProperties: false },
);

/** Still here (sent now and then so that peers that vanish are noticed). */
export const AliveFrame = Type.Object(
  { t: Type.Literal("alive"), from: PeerHexId },
  { additionalProperties: false },
);

/** Leaving the meeting. */
export const ByeFrame = Type.Object(
  { t: Type.Literal("bye"), from: PeerHexId },
  { additionalProperties: false },
);

export const DiscoveryFrame = Type.Union([HelloFrame, SignalFrame, AliveFrame, ByeFrame]);
export type DiscoveryFrame = Static<typeof DiscoveryFrame>;
export type HelloFrame = Static<typeof HelloFrame>;
export type SignalFrame = Static<typeof SignalFrame>;

/**
 * The signed body: the frame, when it was made (ms since epoch) and a fresh nonce. The signature covers the
 * body's exact text, so no canonical JSON is needed.
 */
export const FrameBody = Type.Object(
  { f: DiscoveryFrame, ts: Type.Number({ minimum: 0 }), n: Base64Url(32) },
  { additionalProperties: false },
);
export type FrameBody = Static<typeof FrameBody>;

/** What is encrypted: the body's text and its ES256 signature (base64url, 64 bytes). */
export const SignedEnvelope = Type.Object(
  { b: Type.String({ minLength: 2, maxLength: 12_000 }), s: Base64Url(128) },
  { additionalProperties: false },
);
export type SignedEnvelope = Static<typeof SignedEnvelope>;

// Value.Check, not a compiled checker: browsers with a strict CSP cannot run generated code.
const bodyCheck = { Check: (v: unknown): v is FrameBody => Value.Check(FrameBody, v) };
const envelopeCheck = { Check: (v: unknown): v is SignedEnvelope => Value.Check(SignedEnvelope, v) };

/** Largest envelope text, in characters (sealed it stays under the tracker's 16 384-character SDP field). */
export const MAX_ENVELOPE_CHARS = 11_900;

function parse<T>(text: string, check: { Check(v: unknown): v is T }, max: number): T | undefined {
  if (text.length > max) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return check.Check(value) ? value : undefined;
}

/** The envelope in a decrypted text, or undefined when it is not one (too large, not JSON, wrong shape). */
export function decodeEnvelope(text: string): SignedEnvelope | undefined {
  return parse(text, envelopeCheck, MAX_ENVELOPE_CHARS);
}

/** The body of an envelope (its `b`), or undefined when it is not a valid body. */
export function decodeBody(text: string): FrameBody | undefined {
  return parse(text, bodyCheck, MAX_ENVELOPE_CHARS);
}

export function encodeEnvelope(env: SignedEnvelope): string {
  return JSON.stringify(env);
}

/** How far a frame's timestamp may be from the receiver's clock, ms (older or newer frames are dropped). */
export const FRAME_CLOCK_SKEW_MS = 120_000;

/** Whether a body is addressed to `self` (signals) and fresh; the signature is checked separately. */
export function acceptable(body: FrameBody, self: string, now: number): boolean {
  if (Math.abs(now - body.ts) > FRAME_CLOCK_SKEW_MS) return false;
  if (body.f.from === self) return false;
  return body.f.t !== "signal" || body.f.to === self;
}

/**
 * Splits signals for one peer into frames that each stay under the size limit (by their JSON length, with room
 * for the envelope); a single signal too large for any frame is left out and counted in `dropped`.
 */
export function batchSignals(
  signals: readonly SignalData[],
  budget = MAX_ENVELOPE_CHARS - 600,
): { batches: SignalData[][]; dropped: number } {
  const batches: SignalData[][] = [];
  let current: SignalData[] = [];
  let size = 0;
  let dropped = 0;
  for (const s of signals) {
    // The body's text is embedded as a JSON string in the envelope: quotes are escaped, so count them twice.
    const text = JSON.stringify(s);
    const len = text.length + (text.match(/["\\]/g)?.length ?? 0) + 1;
    if (len > budget) {
      dropped++;
      continue;
    }
    if (current.length > 0 && (size + len > budget || current.length >= MAX_SIGNALS_PER_FRAME)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(s);
    size += len;
  }
  if (current.length > 0) batches.push(current);
  return { batches, dropped };
}
