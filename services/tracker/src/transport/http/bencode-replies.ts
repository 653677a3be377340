import bencode from "bencode";
import type { AnnounceResult, ScrapeResult } from "@switchboard/protocol";
import { bytesToAddress } from "../../state/peer-address.js";

/** Non-compact peer list entries (BEP 3): binary-safe `peer id`, textual `ip`, `port`. */
function peerDicts(compact: Uint8Array, ids: Uint8Array | undefined, entry: number): unknown[] {
  const out: unknown[] = [];
  const addrLen = entry - 2;
  for (let i = 0, n = compact.length / entry; i < n; i++) {
    const base = i * entry;
    const ip =
      addrLen === 4 ? Array.from(compact.subarray(base, base + 4)).join(".") : bytesToAddress(compact, base);
    out.push({
      "peer id": ids?.subarray(i * 20, i * 20 + 20) ?? new Uint8Array(0),
      ip,
      port: ((compact[base + addrLen] ?? 0) << 8) | (compact[base + addrLen + 1] ?? 0),
    });
  }
  return out;
}

/**
 * The compact announce reply, the one hot path written directly: a dictionary of five integers and one or two
 * byte strings in sorted key order. `bencode-replies.test.ts` checks it byte for byte against the bencode package.
 */
function encodeCompactAnnounce(r: AnnounceResult): Uint8Array {
  const p4 = r.peers.compact4;
  const p6 = r.peers.compact6;
  const head =
    `d8:completei${r.complete}e10:downloadedi${r.downloaded}e10:incompletei${r.incomplete}e` +
    `8:intervali${r.interval}e12:min intervali${r.minInterval}e5:peers${p4.length}:`;
  const mid = p6.length > 0 ? `6:peers6${p6.length}:` : "";
  const out = Buffer.allocUnsafe(head.length + p4.length + mid.length + p6.length + 1);
  let at = out.write(head, 0, "latin1");
  out.set(p4, at);
  at += p4.length;
  if (p6.length > 0) {
    at += out.write(mid, at, "latin1");
    out.set(p6, at);
    at += p6.length;
  }
  out[at] = 0x65;
  return out;
}

/** The announce reply: compact `peers` (+ `peers6`, BEP 7) or a list of dictionaries. */
export function encodeAnnounceReply(result: AnnounceResult, compact: boolean): Uint8Array {
  const { peers } = result;
  const integral = [
    result.complete,
    result.incomplete,
    result.downloaded,
    result.interval,
    result.minInterval,
  ];
  if (compact && integral.every(Number.isSafeInteger)) return encodeCompactAnnounce(result);
  const body: Record<string, unknown> = {
    complete: result.complete,
    incomplete: result.incomplete,
    downloaded: result.downloaded,
    interval: result.interval,
    "min interval": result.minInterval,
  };
  if (compact) {
    body.peers = peers.compact4;
    if (peers.compact6.length > 0) body.peers6 = peers.compact6;
  } else {
    body.peers = [...peerDicts(peers.compact4, peers.ids4, 6), ...peerDicts(peers.compact6, peers.ids6, 18)];
  }
  return bencode.encode(body);
}

/** The BEP 48 scrape reply: `files` keyed by the raw 20-byte info-hashes. */
export function encodeScrapeReply(result: ScrapeResult): Uint8Array {
  const files = new Map<Uint8Array, unknown>();
  for (const f of result.files) files.set(f.infoHash, { ...f.counts });
  return bencode.encode({ files });
}

/** A refusal: `failure reason` (BEP 3), with the interval so clients do not hammer. */
export function encodeFailure(reason: string, retryIn?: number): Uint8Array {
  return bencode.encode(
    retryIn === undefined ? { "failure reason": reason } : { "failure reason": reason, "retry in": retryIn },
  );
}
