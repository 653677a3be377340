/**
 * Frames of the SDK's own data channel (`switchboard`), one per message, shaped so that application data is
 * never copied:
 * - a binary message is application bytes, as they are;
 * - a text message starting with `\u0001` is application text (the rest of it);
 * - a text message starting with `{` is a JSON control object: `{"t":"chat",…}` (room chat) or `{"t":"id",…}`
 *   (new session id).
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

const TEXT_MARK = "\u0001";
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeFrame(f: SdkFrame): string | Uint8Array {
  if (f.t !== "data") return JSON.stringify(f);
  return typeof f.data === "string" ? TEXT_MARK + f.data : f.data;
}

/** Decodes a frame, or returns undefined when it is malformed. */
export function decodeFrame(raw: string | Uint8Array): SdkFrame | undefined {
  if (typeof raw !== "string") return { t: "data", data: raw };
  if (raw.startsWith(TEXT_MARK)) return { t: "data", data: raw.slice(1) };
  if (!raw.startsWith("{")) return undefined;
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
