import type { SignalData } from "@switchboard/protocol";

/**
 * The frames peers exchange when they meet without signaling (through a tracker's offer/answer relay or a DHT
 * rendezvous connection). Pure: JSON text in and out, checked field by field below (hand-written, not a schema
 * library: the browser build stays small and runs under a strict CSP; `frame.test.ts` holds the signal check
 * to the protocol's own `SignalData` schema). Sealing (signature and encryption) is `seal.ts`.
 */

/** Most signals in one frame (trickled candidates are batched). */
export const MAX_SIGNALS_PER_FRAME = 32;

/** A peer introduces itself; `ack` marks the reply to someone else's hello (no reply to it). */
export interface HelloFrame {
  readonly t: "hello";
  /** 40 lower-case hex characters: the first 20 bytes of SHA-256 over `key`. */
  readonly from: string;
  /** base64url SPKI of the ECDSA P-256 key that signs this peer's frames. */
  readonly key: string;
  readonly name: string;
  readonly ack: boolean;
  readonly joinedAt: number;
}

/** Offers, answers and candidates for one peer, in order. */
export interface SignalFrame {
  readonly t: "signal";
  readonly from: string;
  readonly to: string;
  readonly data: readonly SignalData[];
}

/** `alive`: still here (so that peers that vanish are noticed); `bye`: leaving the meeting. */
export interface PresenceFrame {
  readonly t: "alive" | "bye";
  readonly from: string;
}

export type DiscoveryFrame = HelloFrame | SignalFrame | PresenceFrame;

/**
 * The signed body: the frame, when it was made (ms since epoch) and a fresh nonce. The signature covers the
 * body's exact text, so no canonical JSON is needed.
 */
export interface FrameBody {
  readonly f: DiscoveryFrame;
  readonly ts: number;
  readonly n: string;
}

/** What is encrypted: the body's text and its ES256 signature (base64url). */
export interface SignedEnvelope {
  readonly b: string;
  readonly s: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** Exactly these keys (the optional ones may be missing). */
const keysIn = (o: Obj, required: readonly string[], optional: readonly string[] = []): boolean =>
  required.every((k) => k in o) && Object.keys(o).every((k) => required.includes(k) || optional.includes(k));
const str = (v: unknown, min: number, max: number): v is string =>
  typeof v === "string" && v.length >= min && v.length <= max;
const b64 = (v: unknown, max: number): v is string => str(v, 1, max) && /^[A-Za-z0-9_-]+$/.test(v);
const hexId = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f]{40}$/.test(v);
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
const optNullStr = (v: unknown, max: number): boolean => v === undefined || v === null || str(v, 0, max);

function isSignature(v: unknown): boolean {
  if (!isObj(v) || !keysIn(v, ["alg", "publicKey", "signature", "nonce"])) return false;
  return (
    v.alg === "ES256" &&
    str(v.publicKey, 1, 1024) &&
    str(v.signature, 1, 256) &&
    b64(v.nonce, 64) &&
    v.nonce.length >= 16
  );
}

/** The protocol's `SignalData` (offer, answer, candidate, ice-restart), checked by hand. */
export function isSignalData(v: unknown): v is SignalData {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case "offer":
      return (
        keysIn(v, ["kind", "sdp"], ["iceRestart", "signature"]) &&
        str(v.sdp, 1, 32_768) &&
        (v.iceRestart === undefined || typeof v.iceRestart === "boolean") &&
        (v.signature === undefined || isSignature(v.signature))
      );
    case "answer":
      return (
        keysIn(v, ["kind", "sdp"], ["signature"]) &&
        str(v.sdp, 1, 32_768) &&
        (v.signature === undefined || isSignature(v.signature))
      );
    case "candidate": {
      if (!keysIn(v, ["kind", "candidate"])) return false;
      const c = v.candidate;
      if (c === null) return true;
      if (!isObj(c) || !keysIn(c, ["candidate"], ["sdpMid", "sdpMLineIndex", "usernameFragment"]))
        return false;
      const idx = c.sdpMLineIndex;
      return (
        str(c.candidate, 0, 1024) &&
        optNullStr(c.sdpMid, 64) &&
        optNullStr(c.usernameFragment, 256) &&
        (idx === undefined ||
          idx === null ||
          (Number.isInteger(idx) && (idx as number) >= 0 && (idx as number) <= 1024))
      );
    }
    case "ice-restart":
      return keysIn(v, ["kind"]);
    default:
      return false;
  }
}

export function isFrame(v: unknown): v is DiscoveryFrame {
  if (!isObj(v) || !hexId(v.from)) return false;
  switch (v.t) {
    case "hello":
      return (
        keysIn(v, ["t", "from", "key", "name", "ack", "joinedAt"]) &&
        b64(v.key, 256) &&
        str(v.name, 1, 64) &&
        typeof v.ack === "boolean" &&
        num(v.joinedAt)
      );
    case "signal":
      return (
        keysIn(v, ["t", "from", "to", "data"]) &&
        hexId(v.to) &&
        Array.isArray(v.data) &&
        v.data.length >= 1 &&
        v.data.length <= MAX_SIGNALS_PER_FRAME &&
        v.data.every(isSignalData)
      );
    case "alive":
    case "bye":
      return keysIn(v, ["t", "from"]);
    default:
      return false;
  }
}

const bodyCheck = {
  Check: (v: unknown): v is FrameBody =>
    isObj(v) && keysIn(v, ["f", "ts", "n"]) && num(v.ts) && b64(v.n, 32) && isFrame(v.f),
};
const envelopeCheck = {
  Check: (v: unknown): v is SignedEnvelope =>
    isObj(v) && keysIn(v, ["b", "s"]) && str(v.b, 2, 12_000) && b64(v.s, 128),
};

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
