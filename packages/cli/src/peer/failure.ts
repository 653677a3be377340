/** Codes whose failure ends `switchboard peer` (the meeting cannot be joined or kept), with what to tell a person. */
const FATAL: Record<string, (ctx: FailureContext) => string> = {
  signaling_unreachable: (c) =>
    `cannot reach signaling at ${c.signalingUrl} (is it running? \`npm start\` runs it locally)`,
  room_not_found: (c) => `meeting "${c.meetingCode}" not found (it does not exist or has expired)`,
  room_full: (c) => `meeting "${c.meetingCode}" is full`,
  room_locked: (c) => `meeting "${c.meetingCode}" is locked by its host`,
  meeting_ended: (c) => `meeting "${c.meetingCode}" has ended`,
  lobby_denied: (c) => `the host of meeting "${c.meetingCode}" did not let this peer in`,
  kicked: (c) => `removed from meeting "${c.meetingCode}" by its host`,
  turn_unavailable: () =>
    "TURN is needed (--relay) but signaling hands out no TURN server: configure TURN_URLS and TURN_SECRET on signaling",
  unauthorized: () =>
    "signaling refused the connection: a valid token is needed (--token or SWITCHBOARD_TOKEN)",
  forbidden: (c) => `not allowed to join meeting "${c.meetingCode}"`,
  unsupported_version: () => "signaling speaks another protocol version: update switchboard or the server",
  not_resumable: () => "the signaling session was lost and could not be rejoined",
  discovery_unreachable: (c) =>
    `cannot discover peers: ${c.discovery === "dht" ? "no DHT bootstrap node answered (check --dht-bootstrap)" : "no tracker answered (check --tracker; `npm start` runs one locally)"}${c.detail ? ` — ${c.detail}` : ""}`,
};

export interface FailureContext {
  readonly signalingUrl: string;
  readonly meetingCode: string;
  readonly discovery?: string;
  /** The error's own message, for failures whose cause the code alone does not tell. */
  readonly detail?: string;
}

/** Whether an error with this code ends the command. Anything else (a peer that fails to connect…) is a warning. */
export function isFatal(code: string | undefined): boolean {
  return code !== undefined && Object.hasOwn(FATAL, code);
}

/** One line a person understands for a failure, from the error's code (or its own message when the code is unknown). */
export function describeFailure(err: unknown, ctx: FailureContext): string {
  const code = errorCode(err);
  const known = code !== undefined && Object.hasOwn(FATAL, code) ? FATAL[code] : undefined;
  if (known) return oneLine(known({ ...ctx, detail: err instanceof Error ? err.message : undefined }));
  const message = err instanceof Error ? err.message : String(err);
  return oneLine(code && !message.includes(code) ? `${message} (${code})` : message);
}

export function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim() || "unknown failure";
}
