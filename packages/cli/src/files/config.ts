import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { parseShareLink, type ShareLink } from "@switchboard/files";
import { ConfigError, firstSet, parseBool, parseCommandArgs } from "../args.js";
import { DEFAULT_SIGNALING_URL } from "../peer/config.js";

/** What `share` and `get` both connect with. */
export interface ConnectConfig {
  readonly meetingCode: string;
  readonly signalingUrl: string;
  readonly nodeId: string | undefined;
  readonly token: string | undefined;
  readonly relay: boolean;
  readonly json: boolean;
}

export interface ShareConfig extends ConnectConfig {
  readonly files: readonly string[];
  /** The web app's origin, for links (default: the signaling URL's origin, http(s)). */
  readonly origin: string;
  /** Cap on upload speed, bytes per second (none by default). */
  readonly uploadLimit: number | undefined;
}

export interface GetConfig extends ConnectConfig {
  /** The file's root from a link; null to find it in the meeting's catalogue by `name`, or to list the files. */
  readonly root: Uint8Array | null;
  readonly name: string | undefined;
  /** Without a link or a name: how long to collect the files on offer before printing them. */
  readonly listSeconds: number;
  readonly outDir: string;
}

export const SHARE_USAGE = `usage: switchboard share FILE… [options]

Hashes each file (SHA-256 pieces under a Merkle root), joins the meeting, prints one link per file and seeds
until stopped (Ctrl-C / SIGTERM exits 0). Everyone in the meeting also sees the files on offer.

options (flag, then environment variable):
  -m, --meeting <code>      MEETING_CODE     meeting to share in (default: a new random code)
  -s, --signaling-url <url> SIGNALING_URL    signaling WebSocket (default ${DEFAULT_SIGNALING_URL})
      --origin <url>        SWITCHBOARD_ORIGIN  web origin the links point at (default: signaling's origin)
  -n, --node-id <name>      NODE_ID          the name other peers see
      --token <jwt>         SWITCHBOARD_TOKEN  token for signaling, when it requires one
      --upload-limit <B/s>  UPLOAD_LIMIT     cap on upload speed, bytes per second
      --relay               connect through TURN only
      --json                one JSON object per line per event: {"event": "<name>", ...}
  -h, --help                this text
`;

export const GET_USAGE = `usage: switchboard get LINK [options]
       switchboard get --meeting CODE [--name NAME] [options]

Joins the link's meeting, fetches the manifest and the pieces from every peer that has them (each piece checked
against its SHA-256), and saves the file in --out. A stopped download resumes from <name>.part. Exit 0 only when
every piece is verified. Without a LINK, --meeting lists the files peers offer there (--name NAME fetches one).

options:
  -m, --meeting <code>      MEETING_CODE     browse this meeting's files instead of following a link
      --name <name>         with --meeting: fetch the offered file of that name
      --wait <seconds>      with --meeting alone: how long to collect offers (default 5)
  -o, --out <dir>           where to save (default: the current directory)
  -s, --signaling-url <url> SIGNALING_URL    override the link's signaling URL
  -n, --node-id <name>      NODE_ID          the name other peers see
      --token <jwt>         SWITCHBOARD_TOKEN  token for signaling, when it requires one
      --relay               connect through TURN only
      --json                one JSON object per line per event: {"event": "<name>", ...}
  -h, --help                this text

exit codes: 0 complete and verified, 1 failed or stopped, 2 bad configuration
`;

const COMMON = {
  "signaling-url": { type: "string", short: "s" },
  "node-id": { type: "string", short: "n" },
  token: { type: "string" },
  relay: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const MEETING_CODE = /^[A-Za-z0-9_-]{3,64}$/;

function checkSignaling(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`SIGNALING_URL: "${url}" is not a URL`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:")
    throw new ConfigError(`SIGNALING_URL: expected ws:// or wss://`);
  return url;
}

/** ws://host:port/ws → http://host:port (the web app is served beside signaling). */
export function originOf(signalingUrl: string): string {
  const u = new URL(signalingUrl);
  return `${u.protocol === "wss:" ? "https:" : "http:"}//${u.host}`;
}

export function resolveShareConfig(args: readonly string[], env: NodeJS.ProcessEnv): ShareConfig | "help" {
  const { values, positionals } = parseCommandArgs(
    "share",
    args,
    {
      ...COMMON,
      meeting: { type: "string", short: "m" },
      origin: { type: "string" },
      "upload-limit": { type: "string" },
    },
    true,
  );
  if (values.help === true) return "help";
  if (positionals.length === 0) throw new ConfigError("name at least one FILE to share");
  const meetingCode =
    firstSet(values.meeting, env.MEETING_CODE)?.trim() ?? `files-${randomBytes(5).toString("hex")}`;
  if (!MEETING_CODE.test(meetingCode))
    throw new ConfigError(`MEETING_CODE: "${meetingCode}" is not a meeting code`);
  const signalingUrl = checkSignaling(
    firstSet(values["signaling-url"], env.SIGNALING_URL) ?? DEFAULT_SIGNALING_URL,
  );
  const limitRaw = firstSet(values["upload-limit"], env.UPLOAD_LIMIT);
  const uploadLimit = limitRaw === undefined ? undefined : Number(limitRaw);
  if (uploadLimit !== undefined && !(Number.isFinite(uploadLimit) && uploadLimit >= 16384)) {
    throw new ConfigError("UPLOAD_LIMIT: bytes per second, at least 16384");
  }
  return Object.freeze({
    files: positionals.map((p) => resolve(p)),
    meetingCode,
    signalingUrl,
    origin: firstSet(values.origin, env.SWITCHBOARD_ORIGIN) ?? originOf(signalingUrl),
    nodeId: firstSet(values["node-id"], env.NODE_ID),
    token: firstSet(values.token, env.SWITCHBOARD_TOKEN),
    relay: values.relay ?? false,
    json: values.json ?? parseBool("PEER_JSON", env.PEER_JSON) ?? false,
    uploadLimit,
  });
}

export function resolveGetConfig(args: readonly string[], env: NodeJS.ProcessEnv): GetConfig | "help" {
  const { values, positionals } = parseCommandArgs(
    "get",
    args,
    {
      ...COMMON,
      out: { type: "string", short: "o" },
      meeting: { type: "string", short: "m" },
      name: { type: "string" },
      wait: { type: "string" },
    },
    true,
  );
  if (values.help === true) return "help";
  const common = {
    outDir: resolve(values.out ?? "."),
    name: values.name,
    listSeconds: values.wait === undefined ? 5 : Number(values.wait),
  };
  if (!(common.listSeconds > 0 && common.listSeconds <= 600)) throw new ConfigError("--wait: 1–600 seconds");
  const override = firstSet(values["signaling-url"], env.SIGNALING_URL);
  let target: { root: Uint8Array | null; meetingCode: string; signalingUrl: string };
  if (positionals.length === 0) {
    const meetingCode = firstSet(values.meeting, env.MEETING_CODE)?.trim();
    if (meetingCode === undefined)
      throw new ConfigError("give a LINK, or --meeting CODE to browse its files");
    if (!MEETING_CODE.test(meetingCode))
      throw new ConfigError(`MEETING_CODE: "${meetingCode}" is not a meeting code`);
    target = { root: null, meetingCode, signalingUrl: checkSignaling(override ?? DEFAULT_SIGNALING_URL) };
  } else {
    if (positionals.length !== 1) throw new ConfigError("give exactly one LINK");
    if (values.name !== undefined) throw new ConfigError("--name is for --meeting without a LINK");
    let link: ShareLink;
    try {
      link = parseShareLink(positionals[0]);
    } catch (e) {
      throw new ConfigError(e instanceof Error ? e.message : String(e));
    }
    target = {
      root: link.root,
      meetingCode: link.meeting,
      signalingUrl: override ? checkSignaling(override) : link.signalingUrl,
    };
  }
  return Object.freeze({
    ...common,
    ...target,
    nodeId: firstSet(values["node-id"], env.NODE_ID),
    token: firstSet(values.token, env.SWITCHBOARD_TOKEN),
    relay: values.relay ?? false,
    json: values.json ?? parseBool("PEER_JSON", env.PEER_JSON) ?? false,
  });
}
