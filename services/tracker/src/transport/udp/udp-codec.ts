/**
 * BEP 15 (UDP tracker protocol) packets: decoding of connect, announce and scrape requests (with BEP 41
 * URL data) and encoding of the replies. Pure: bytes in, plain objects out; undefined = undecodable.
 */
import type { AnnounceEvent } from "@switchboard/protocol";

/** BEP 15 magic constant of a connect request. */
export const PROTOCOL_ID = 0x41727101980n;
export const ACTION_CONNECT = 0;
export const ACTION_ANNOUNCE = 1;
export const ACTION_SCRAPE = 2;
export const ACTION_ERROR = 3;
/** Most bytes of BEP 41 options after a request. */
const MAX_OPTION_BYTES = 256;
/** Largest datagram read; anything longer is dropped. */
export const MAX_UDP_REQUEST = 16 + 74 * 20 + MAX_OPTION_BYTES;
/** BEP 15: at most about 74 info-hashes fit one scrape. */
export const MAX_UDP_SCRAPE = 74;

const UDP_EVENTS: readonly AnnounceEvent[] = ["none", "completed", "started", "stopped"];

export type UdpRequest =
  | { readonly action: "connect"; readonly transactionId: number }
  | {
      readonly action: "announce";
      /** The 64-bit connection id as two 32-bit words (no view of the datagram per request). */
      readonly connectionIdHigh: number;
      readonly connectionIdLow: number;
      readonly transactionId: number;
      readonly infoHash: Uint8Array;
      readonly peerId: Uint8Array;
      readonly downloaded: number;
      readonly left: number;
      readonly uploaded: number;
      readonly event: AnnounceEvent;
      readonly key: number;
      /** -1 = tracker default. */
      readonly numwant: number;
      readonly port: number;
      /** BEP 41 URL data (e.g. `/passkey/announce`), "" when absent. */
      readonly urlData: string;
    }
  | {
      readonly action: "scrape";
      readonly connectionIdHigh: number;
      readonly connectionIdLow: number;
      readonly transactionId: number;
      readonly infoHashes: readonly Uint8Array[];
      /** BEP 41 URL data (e.g. `/passkey/scrape`), "" when absent. */
      readonly urlData: string;
    };

/**
 * Big-endian reads by index (callers check the length first). Element loads, unlike Buffer's read methods, need
 * no property lookup per call on the hot path.
 */
const u32 = (b: Uint8Array, at: number): number =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
/** A 64-bit count as a number (exact up to 2^53, which no torrent size reaches). */
const u64 = (b: Uint8Array, at: number): number => u32(b, at) * 0x1_0000_0000 + u32(b, at + 4);

/**
 * BEP 41 options from `at`: concatenated URLData (type 2); undefined when malformed, or, with `exact`, when
 * anything follows the end-of-options byte.
 */
function readUrlData(b: Buffer, at: number, exact = false): string | undefined {
  let url = "";
  while (at < b.length) {
    const type = b[at++];
    if (type === 0) return exact && at !== b.length ? undefined : url;
    if (type === 1) continue;
    const len = b[at++];
    if (len === undefined || at + len > b.length) return undefined;
    if (type === 2) url += b.toString("latin1", at, at + len);
    at += len;
  }
  return url;
}

/**
 * A scrape has no length field, so BEP 41 options after its info-hashes are found by trying each split from
 * the most hashes down: the tail must parse as options, end exactly at the datagram's end and carry URL data
 * that starts with `/` (20 random hash bytes pass that by chance about once in 2^24). With no such tail the
 * whole body must be info-hashes.
 */
function splitScrape(msg: Buffer): { n: number; urlData: string } | undefined {
  const body = msg.length - 16;
  for (let n = Math.min(Math.floor(body / 20), MAX_UDP_SCRAPE); n >= 1; n--) {
    const at = 16 + n * 20;
    if (at === msg.length) continue;
    if (msg.length - at > MAX_OPTION_BYTES) break;
    const urlData = readUrlData(msg, at, true);
    if (urlData !== undefined && urlData.startsWith("/")) return { n, urlData };
  }
  const n = body / 20;
  return Number.isInteger(n) && n >= 1 && n <= MAX_UDP_SCRAPE ? { n, urlData: "" } : undefined;
}

/** Decodes one datagram; undefined when it is not a well-formed BEP 15 request (no reply is sent). */
export function decodeUdpRequest(msg: Buffer): UdpRequest | undefined {
  if (msg.length < 16 || msg.length > MAX_UDP_REQUEST) return undefined;
  const action = u32(msg, 8);
  const transactionId = u32(msg, 12);
  if (action === ACTION_CONNECT) {
    return msg.length === 16 && msg.readBigUInt64BE(0) === PROTOCOL_ID
      ? { action: "connect", transactionId }
      : undefined;
  }
  const connectionIdHigh = u32(msg, 0);
  const connectionIdLow = u32(msg, 4);
  if (action === ACTION_ANNOUNCE) {
    if (msg.length < 98) return undefined;
    const event = UDP_EVENTS[u32(msg, 80)];
    const urlData = readUrlData(msg, 98);
    if (event === undefined || urlData === undefined) return undefined;
    // Plain views made from the buffer once: Buffer's own subarray reads `.buffer` (a call into C++) per view.
    const bytes = msg.buffer;
    const at = msg.byteOffset;
    return {
      action: "announce",
      connectionIdHigh,
      connectionIdLow,
      transactionId,
      infoHash: new Uint8Array(bytes, at + 16, 20),
      peerId: new Uint8Array(bytes, at + 36, 20),
      downloaded: u64(msg, 56),
      left: u64(msg, 64),
      uploaded: u64(msg, 72),
      event,
      key: u32(msg, 88),
      numwant: u32(msg, 92) | 0,
      port: u16(msg, 96),
      urlData,
    };
  }
  if (action === ACTION_SCRAPE) {
    const split = splitScrape(msg);
    if (split === undefined) return undefined;
    const infoHashes = Array.from({ length: split.n }, (_, i) => msg.subarray(16 + i * 20, 36 + i * 20));
    return {
      action: "scrape",
      connectionIdHigh,
      connectionIdLow,
      transactionId,
      infoHashes,
      urlData: split.urlData,
    };
  }
  return undefined;
}

export function encodeConnectReply(transactionId: number, connectionId: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.writeUInt32BE(ACTION_CONNECT, 0);
  b.writeUInt32BE(transactionId, 4);
  b.set(connectionId, 8);
  return b;
}

/** Bytes of an announce reply before its compact peers. */
export const ANNOUNCE_REPLY_HEADER = 20;

export interface AnnounceReplyFields {
  transactionId: number;
  interval: number;
  leechers: number;
  seeders: number;
  peers: Uint8Array;
}

const putU32 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
};

/**
 * Writes an announce reply at the start of `into` and returns its length, or -1 when it does not fit. Peers
 * already in place (a view of `into` from `ANNOUNCE_REPLY_HEADER` on) are not copied; `intoBuffer`, when given, is
 * `into.buffer` read once by the caller (each read of `.buffer` is a call into C++).
 */
export function writeAnnounceReply(
  into: Uint8Array,
  r: AnnounceReplyFields,
  intoBuffer: ArrayBufferLike = into.buffer,
): number {
  const length = ANNOUNCE_REPLY_HEADER + r.peers.length;
  if (length > into.length) return -1;
  putU32(into, 0, ACTION_ANNOUNCE);
  putU32(into, 4, r.transactionId);
  putU32(into, 8, r.interval);
  putU32(into, 12, Math.min(r.leechers, 0xffffffff));
  putU32(into, 16, Math.min(r.seeders, 0xffffffff));
  if (r.peers.length === 0) return length;
  const inPlace =
    r.peers.byteOffset === into.byteOffset + ANNOUNCE_REPLY_HEADER && r.peers.buffer === intoBuffer;
  if (!inPlace) into.set(r.peers, ANNOUNCE_REPLY_HEADER);
  return length;
}

export function encodeAnnounceReply(opts: AnnounceReplyFields): Buffer {
  const b = Buffer.allocUnsafe(ANNOUNCE_REPLY_HEADER + opts.peers.length);
  writeAnnounceReply(b, opts);
  return b;
}

export function encodeScrapeReply(
  transactionId: number,
  files: ReadonlyArray<{ complete: number; downloaded: number; incomplete: number }>,
): Buffer {
  const b = Buffer.allocUnsafe(8 + files.length * 12);
  b.writeUInt32BE(ACTION_SCRAPE, 0);
  b.writeUInt32BE(transactionId, 4);
  files.forEach((f, i) => {
    b.writeUInt32BE(Math.min(f.complete, 0xffffffff), 8 + i * 12);
    b.writeUInt32BE(Math.min(f.downloaded, 0xffffffff), 12 + i * 12);
    b.writeUInt32BE(Math.min(f.incomplete, 0xffffffff), 16 + i * 12);
  });
  return b;
}

export function encodeErrorReply(transactionId: number, message: string): Buffer {
  const text = Buffer.from(message, "utf8");
  const b = Buffer.allocUnsafe(8 + text.length);
  b.writeUInt32BE(ACTION_ERROR, 0);
  b.writeUInt32BE(transactionId, 4);
  b.set(text, 8);
  return b;
}
