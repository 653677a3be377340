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
  | ({ readonly action: "announce" } & Readonly<UdpAnnounce>)
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
 * An announce's fields, read by `readUdpAnnounce` into an object the caller reuses from datagram to datagram (the
 * hot path makes no object per announce). The info-hash and peer id are the object's own 20-byte arrays, copied
 * from the datagram: nothing of it refers to the receive memory.
 */
export interface UdpAnnounce {
  /** The 64-bit connection id as two 32-bit words. */
  connectionIdHigh: number;
  connectionIdLow: number;
  transactionId: number;
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  downloaded: number;
  left: number;
  uploaded: number;
  event: AnnounceEvent;
  key: number;
  /** -1 = tracker default. */
  numwant: number;
  port: number;
  /** BEP 41 URL data (e.g. `/passkey/announce`), "" when absent. */
  urlData: string;
}

export const newUdpAnnounce = (): UdpAnnounce => ({
  connectionIdHigh: 0,
  connectionIdLow: 0,
  transactionId: 0,
  infoHash: new Uint8Array(20),
  peerId: new Uint8Array(20),
  downloaded: 0,
  left: 0,
  uploaded: 0,
  event: "none",
  key: 0,
  numwant: -1,
  port: 0,
  urlData: "",
});

/**
 * Big-endian reads by index (callers check the length first). Element loads, unlike Buffer's read methods, need
 * no property lookup per call on the hot path.
 */
export const u32 = (b: Uint8Array, at: number): number =>
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

/**
 * Reads an announce datagram (action 1) into `out`; false when it is not a well-formed one (`out` is then
 * partly written). The one announce decoder: `decodeUdpRequest` calls it too.
 */
export function readUdpAnnounce(msg: Buffer, out: UdpAnnounce): boolean {
  if (msg.length < 98 || msg.length > MAX_UDP_REQUEST || u32(msg, 8) !== ACTION_ANNOUNCE) return false;
  const event = UDP_EVENTS[u32(msg, 80)];
  const urlData = msg.length === 98 ? "" : readUrlData(msg, 98);
  if (event === undefined || urlData === undefined) return false;
  out.connectionIdHigh = u32(msg, 0);
  out.connectionIdLow = u32(msg, 4);
  out.transactionId = u32(msg, 12);
  const infoHash = out.infoHash;
  const peerId = out.peerId;
  for (let i = 0; i < 20; i++) {
    infoHash[i] = msg[16 + i] ?? 0;
    peerId[i] = msg[36 + i] ?? 0;
  }
  out.downloaded = u64(msg, 56);
  out.left = u64(msg, 64);
  out.uploaded = u64(msg, 72);
  out.event = event;
  out.key = u32(msg, 88);
  out.numwant = u32(msg, 92) | 0;
  out.port = u16(msg, 96);
  out.urlData = urlData;
  return true;
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
    const req = newUdpAnnounce();
    return readUdpAnnounce(msg, req) ? { action: "announce", ...req } : undefined;
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

/** An announce reply's header fields. */
export interface AnnounceReplyHeader {
  transactionId: number;
  interval: number;
  leechers: number;
  seeders: number;
}

export interface AnnounceReplyFields extends AnnounceReplyHeader {
  peers: Uint8Array;
}

const putU32 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
};

/** Writes an announce reply's 20-byte header at `into[at…]` (the caller checks the room); counts capped at 2^32 − 1. */
export function writeAnnounceHeader(into: Uint8Array, at: number, h: AnnounceReplyHeader): void {
  putU32(into, at, ACTION_ANNOUNCE);
  putU32(into, at + 4, h.transactionId);
  putU32(into, at + 8, h.interval);
  putU32(into, at + 12, Math.min(h.leechers, 0xffffffff));
  putU32(into, at + 16, Math.min(h.seeders, 0xffffffff));
}

/** Writes an announce reply at the start of `into` and returns its length, or -1 when it does not fit. */
export function writeAnnounceReply(into: Uint8Array, r: AnnounceReplyFields): number {
  const length = ANNOUNCE_REPLY_HEADER + r.peers.length;
  if (length > into.length) return -1;
  writeAnnounceHeader(into, 0, r);
  if (r.peers.length > 0) into.set(r.peers, ANNOUNCE_REPLY_HEADER);
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
