import type { Output } from "../output.js";

/** Names of peers seen so far, so lines say "bob" rather than an id. */
export type PeerNames = ReadonlyMap<string, string>;

interface Payload {
  peerId?: unknown;
  name?: unknown;
  method?: unknown;
  rttMs?: unknown;
  setupMs?: unknown;
  reason?: unknown;
  data?: unknown;
  code?: unknown;
  message?: unknown;
  text?: unknown;
  from?: unknown;
  state?: unknown;
}

/** An event's payload as JSON fields: objects as they are, anything else as `{value}`. */
export function eventFields(payload: unknown): Record<string, unknown> {
  if (payload instanceof Error) {
    const code = (payload as { code?: unknown }).code;
    return { ...(code === undefined ? {} : { code }), message: payload.message };
  }
  if (
    typeof payload === "object" &&
    payload !== null &&
    !Array.isArray(payload) &&
    !(payload instanceof Uint8Array)
  )
    return { ...(payload as Record<string, unknown>) };
  return payload === undefined ? {} : { value: payload };
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const ms = (v: unknown): string | undefined =>
  typeof v === "number" && Number.isFinite(v) ? `${Math.round(v)} ms` : undefined;

/** Pure: the human line for one SDK event, or null for events a person need not see (shown with --debug). */
export function describeEvent(
  name: string,
  payload: unknown,
  names: PeerNames,
  style: Output["style"],
): string | null {
  const p = (typeof payload === "object" && payload !== null ? payload : {}) as Payload;
  const id = str(p.peerId) ?? str(p.from) ?? str((p as { by?: unknown }).by);
  const who = id === undefined ? "a peer" : (names.get(id) ?? id);
  const label = id !== undefined && names.has(id) && names.get(id) !== id ? `${who} (${id})` : who;
  switch (name) {
    case "joined": {
      const j = payload as { roomId?: unknown; self?: { peerId?: unknown; name?: unknown }; peers?: unknown };
      const n = Array.isArray(j.peers) ? j.peers.length : 0;
      const self = str(j.self?.name) ?? str(j.self?.peerId) ?? "?";
      const selfId = str(j.self?.peerId);
      return style(
        "bold",
        `joined meeting "${str(j.roomId) ?? "?"}" as ${self}${selfId && selfId !== self ? ` (${selfId})` : ""}: ` +
          `${n} other peer${n === 1 ? "" : "s"} here`,
      );
    }
    case "kicked":
      return style("red", `! removed from the meeting by ${who}`);
    case "lobbyWaiting":
      return style("yellow", "waiting in the lobby for the host to let this peer in");
    case "lobbyDenied":
      return style("red", "! the host did not let this peer in");
    case "roomEnded":
      return style("red", "! the meeting has ended");
    case "peerDiscovered":
      return style(
        "cyan",
        `+ peer found: ${str(p.name) !== undefined && id !== undefined ? `${str(p.name)} (${id})` : label}`,
      );
    case "connectionEstablished": {
      const extras = [ms(p.rttMs) && `rtt ${ms(p.rttMs)}`, ms(p.setupMs) && `setup ${ms(p.setupMs)}`].filter(
        Boolean,
      );
      const method = str(p.method) ?? "unknown method";
      return style(
        "green",
        `= connected to ${label} via ${method}${extras.length ? ` (${extras.join(", ")})` : ""}`,
      );
    }
    case "connectionClosed":
      return style("yellow", `- connection to ${label} closed${str(p.reason) ? `: ${str(p.reason)}` : ""}`);
    case "peerLeft":
      return style("yellow", `- ${label} left the meeting${str(p.reason) ? ` (${str(p.reason)})` : ""}`);
    case "message": {
      const data = p.data;
      const body =
        typeof data === "string"
          ? data
          : data instanceof Uint8Array
            ? `<${data.byteLength} bytes>`
            : String(data);
      return `${style("bold", who + ":")} ${body}`;
    }
    case "chat":
      return `${style("bold", `[chat] ${str(p.name) ?? who}:`)} ${str(p.text) ?? ""}`;
    case "error": {
      const code = str(p.code);
      return style("red", `! ${str(p.message) ?? "error"}${code ? ` (${code})` : ""}`);
    }
    default:
      return null;
  }
}
