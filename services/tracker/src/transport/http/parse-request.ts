import type { AnnounceEvent, AnnounceRequest, ScrapeRequest } from "@switchboard/protocol";
import { refuse } from "../../errors.js";
import { decodeText, parseQuery, percentDecode, type QueryParams } from "./query-string.js";

const EVENTS: Readonly<Record<string, AnnounceEvent>> = {
  "": "none",
  empty: "none",
  started: "started",
  stopped: "stopped",
  completed: "completed",
  paused: "none",
};

const text = (params: QueryParams, name: string): string | undefined => {
  const v = params.get(name)?.[0];
  return v === undefined ? undefined : (decodeText(v) ?? refuse("INVALID_PARAMETER", name));
};

/** A non-negative integer parameter (≤ 2^53); `fallback` when absent. */
function integer(params: QueryParams, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = text(params, name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d{1,16}$/.test(raw)) return refuse("INVALID_PARAMETER", name);
  const n = Number(raw);
  return n > max ? refuse("INVALID_PARAMETER", name) : n;
}

/** `key`: up to 8 hex digits (the usual form) or a decimal number, folded to 32 bits. */
function parseKey(params: QueryParams): number | undefined {
  const raw = text(params, "key");
  if (raw === undefined || raw === "") return undefined;
  if (/^[0-9a-fA-F]{1,8}$/.test(raw)) return parseInt(raw, 16) >>> 0;
  if (raw.length > 64) return refuse("INVALID_PARAMETER", "key");
  let h = 0;
  for (const b of Buffer.from(raw, "latin1")) h = (Math.imul(h, 31) + b) >>> 0;
  return h;
}

function bytes20(
  params: QueryParams,
  name: string,
  code: "INVALID_INFO_HASH" | "INVALID_PEER_ID",
): Uint8Array {
  const values = params.get(name);
  const raw = values?.[0];
  if (raw === undefined || values?.length !== 1) return refuse(code);
  const v = percentDecode(raw) ?? refuse("INVALID_PARAMETER", name);
  return v.length === 20 ? v : refuse(code);
}

function queryOf(rawQuery: string): QueryParams {
  return parseQuery(rawQuery) ?? refuse("INVALID_PARAMETER", "query string");
}

/** BEP 3/7/23 announce parameters → the shared request shape; throws `TrackerRefusal` on bad input. */
export function parseHttpAnnounce(
  rawQuery: string,
  address: string,
  passkey: string | undefined,
): AnnounceRequest {
  const params = queryOf(rawQuery);
  const event = EVENTS[text(params, "event") ?? ""] ?? refuse("INVALID_EVENT");
  const numwantText = text(params, "numwant");
  return {
    transport: "http",
    infoHash: bytes20(params, "info_hash", "INVALID_INFO_HASH"),
    peerId: bytes20(params, "peer_id", "INVALID_PEER_ID"),
    address,
    port: text(params, "port") === undefined ? refuse("INVALID_PORT") : integer(params, "port", 0, 65535),
    uploaded: integer(params, "uploaded", 0),
    downloaded: integer(params, "downloaded", 0),
    left: integer(params, "left", Number.MAX_SAFE_INTEGER),
    event,
    numwant:
      numwantText === undefined || numwantText === "" ? undefined : integer(params, "numwant", 0, 1_000_000),
    key: parseKey(params),
    passkey,
    compact: text(params, "compact") !== "0",
  };
}

/** BEP 48 scrape: any number of `info_hash` (none = scrape-all, if allowed). */
export function parseHttpScrape(
  rawQuery: string,
  address: string,
  passkey: string | undefined,
): ScrapeRequest {
  const params = queryOf(rawQuery);
  const infoHashes = (params.get("info_hash") ?? []).map((raw) => {
    const h = percentDecode(raw) ?? refuse("INVALID_PARAMETER", "info_hash");
    return h.length === 20 ? h : refuse("INVALID_INFO_HASH");
  });
  return { transport: "http", infoHashes, address, passkey };
}
