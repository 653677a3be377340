import { fromHex, toHex } from "./bytes.js";
import { FilesError } from "./errors.js";
import { HASH_LENGTH } from "./hash.js";

/** What a share link carries: `<origin>/#/files/<root hex>?meeting=CODE[&signaling=URL]`. */
export interface ShareLink {
  /** The web app's origin, e.g. `https://switchboard.example`. */
  readonly origin: string;
  readonly root: Uint8Array;
  readonly meeting: string;
  /** The signaling WebSocket: the origin's `/ws` unless the link overrides it. */
  readonly signalingUrl: string;
}

const MEETING_RE = /^[A-Za-z0-9_-]{1,64}$/;
const bad = (why: string): FilesError => new FilesError("link_invalid", `share link: ${why}`);

/** The signaling URL a web origin serves: http→ws, https→wss, path `/ws`. */
export function defaultSignalingUrl(origin: string): string {
  return new URL(origin).origin.replace(/^http/, "ws") + "/ws";
}

export function formatShareLink(opts: {
  origin: string;
  root: Uint8Array;
  meeting: string;
  signalingUrl?: string;
}): string {
  if (opts.root.length !== HASH_LENGTH) throw bad("root must be 32 bytes");
  if (!MEETING_RE.test(opts.meeting)) throw bad("meeting code must be 1–64 of A–Z a–z 0–9 _ -");
  const origin = new URL(opts.origin).origin;
  const q = new URLSearchParams({ meeting: opts.meeting });
  if (opts.signalingUrl && opts.signalingUrl !== defaultSignalingUrl(origin))
    q.set("signaling", opts.signalingUrl);
  return `${origin}/#/files/${toHex(opts.root)}?${q.toString()}`;
}

export function parseShareLink(text: string): ShareLink {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw bad("not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw bad("origin must be http or https");
  const m = /^#\/files\/([0-9a-fA-F]+)(?:\?(.*))?$/.exec(url.hash);
  if (!m) throw bad("expected #/files/<root>?meeting=CODE");
  const root = fromHex(m[1], HASH_LENGTH);
  if (!root) throw bad("root must be 64 hex digits");
  const q = new URLSearchParams(m[2] ?? "");
  const meeting = q.get("meeting") ?? "";
  if (!MEETING_RE.test(meeting)) throw bad("missing or invalid meeting code");
  const signaling = q.get("signaling");
  let signalingUrl = defaultSignalingUrl(url.origin);
  if (signaling !== null) {
    let s: URL;
    try {
      s = new URL(signaling);
    } catch {
      throw bad("signaling is not a URL");
    }
    if (s.protocol !== "ws:" && s.protocol !== "wss:") throw bad("signaling must be ws: or wss:");
    signalingUrl = s.toString();
  }
  return { origin: url.origin, root, meeting, signalingUrl };
}
