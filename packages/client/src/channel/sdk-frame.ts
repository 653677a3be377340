/**
 * Frames of the SDK's own data channel (`switchboard`), one per message:
 * - a text frame is a JSON control object: `{"t":"chat",…}` (room chat) or `{"t":"id",…}` (new session id);
 * - a binary frame is a tag byte and a body: 0 = application bytes, 1 = application UTF-8 text.
 * Anything else is malformed: the receiver closes that peer's channel.
 */
export type SdkFrame =
  | { readonly t: "data"; readonly data: string | Uint8Array }
  | {
      readonly t: "chat";
      readonly id: string;
      readonly roomId: string;
      readonly name: string;
      readonly text: string;
      readonly ts: number;
    }
  | { readonly t: "id"; readonly sessionId: string };

const TAG_BYTES = 0;
const TAG_TEXT = 1;
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeFrame(f: SdkFrame): string | Uint8Array {
  if (f.t !== "data") return JSON.stringify(f);
  const body = typeof f.data === "string" ? new TextEncoder().encode(f.data) : f.data;
  const out = new Uint8Array(body.length + 1);
  out[0] = typeof f.data === "string" ? TAG_TEXT : TAG_BYTES;
  out.set(body, 1);
  return out;
}

/** Decodes a frame, or returns undefined when it is malformed. */
export function decodeFrame(raw: string | Uint8Array): SdkFrame | undefined {
  if (typeof raw !== "string") {
    if (raw.length < 1) return undefined;
    const body = raw.subarray(1);
    if (raw[0] === TAG_BYTES) return { t: "data", data: body.slice() };
    if (raw[0] === TAG_TEXT) {
      try {
        return { t: "data", data: new TextDecoder("utf-8", { fatal: true }).decode(body) };
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.t === "id" && typeof o.sessionId === "string" && ID_RE.test(o.sessionId))
    return { t: "id", sessionId: o.sessionId };
  if (
    o.t === "chat" &&
    typeof o.id === "string" &&
    o.id.length <= 160 &&
    typeof o.roomId === "string" &&
    ID_RE.test(o.roomId) &&
    typeof o.name === "string" &&
    o.name.length <= 64 &&
    typeof o.text === "string" &&
    o.text.length >= 1 &&
    o.text.length <= 4000 &&
    typeof o.ts === "number"
  )
    return { t: "chat", id: o.id, roomId: o.roomId, name: o.name, text: o.text, ts: o.ts };
  return undefined;
}
