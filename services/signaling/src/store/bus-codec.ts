import type { ServerMessage, ServerMessageType } from "@switchboard/protocol";
import { BusBatchWriter } from "./bus-batch-writer.js";
import type { BusMessage } from "./store.js";

const TAB = 0x09;
const LF = 0x0a;

/**
 * The bytes of one bus PUBLISH: the messages for one instance from one event-loop turn, one per line, in order.
 *
 *   p<TAB>to<TAB>roomId<TAB>type<TAB>frame   a peer message; `frame` is the JSON text sent to the client as is
 *   q<TAB>replyTo<TAB>id<TAB>deliverBy<TAB>to<TAB>roomId<TAB>type<TAB>frame
 *                                            a peer message that asks for a receipt
 *   k<TAB>ids<TAB>ids                        receipts: ids delivered, ids whose peer was gone (comma-separated)
 *   r<TAB>json                               a room event (the `BusMessage` as JSON)
 *
 * Consecutive `p` lines with the same `to`, `roomId` and `type` are read as one `peers` message (a run the
 * receiving instance writes to the peer's connection at once); a `peers` message is written as its `p` lines.
 *
 * Neither `JSON.stringify` output nor a frame the relay fast path accepted (no whitespace, no raw control
 * characters) nor ids (`[A-Za-z0-9_-]`) nor message types contain a tab or a line break, so a frame is carried
 * without escaping. The batch is built and read as bytes: a frame's UTF-8 bytes are copied in as the sender has
 * them and handed out as a view, never decoded to a string and encoded again (`BusBatchWriter` builds it).
 */
export function encodeBusBatch(batch: readonly BusMessage[]): Buffer {
  const writer = new BusBatchWriter(1024);
  for (const m of batch) writer.append(m);
  return writer.bytes();
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

/**
 * The messages of one PUBLISH; throws on bytes that are not a bus batch. Peer frames are views into `raw`
 * (copy them before keeping them).
 */
export function decodeBusBatch(raw: Buffer): BusMessage[] {
  if (raw[0] === 0x5b /* [ */) return decodeLegacy(raw.toString("utf8"));
  const out: BusMessage[] = [];
  // The `to<TAB>roomId<TAB>type<TAB>` of the last `p` line, and the run it started (frames of later lines with the
  // same bytes there join it: compared as bytes, no string made).
  let headStart = -1;
  let headEnd = -1;
  let run: Uint8Array[] | undefined;
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf(LF, start);
    if (end < 0) end = raw.length;
    if (raw[start] === 0x70 /* p */ && raw[start + 1] === TAB) {
      const frameAt = peerFrameStart(raw, start + 2, end);
      if (headStart >= 0 && raw.compare(raw, headStart, headEnd, start + 2, frameAt) === 0) {
        const frame = raw.subarray(frameAt, end);
        if (run === undefined) {
          const first = out.pop() as Extract<BusMessage, { kind: "peer" }>;
          run = [first.frame as Uint8Array, frame];
          const { to, roomId, type } = first;
          out.push({ kind: "peers", to, roomId, type, frames: run });
        } else run.push(frame);
      } else {
        out.push(peerLine(raw, start + 2, end));
        headStart = start + 2;
        headEnd = frameAt;
        run = undefined;
      }
    } else {
      out.push(decodeLine(raw, start, end));
      headStart = -1;
      run = undefined;
    }
    start = end + 1;
  }
  return out;
}

/** Where the frame of a `p` line whose `to` starts at `start` begins (after its third tab). */
function peerFrameStart(raw: Buffer, start: number, end: number): number {
  const t3 = tabAfter(raw, tabAfter(raw, tabAfter(raw, start - 1, end), end), end);
  if (t3 < 0) throw new Error("truncated peer message");
  return t3 + 1;
}

/** The first tab after position `prev` and before `end`, or -1 (also when `prev` is -1: none found before). */
function tabAfter(raw: Buffer, prev: number, end: number): number {
  if (prev < 0) return -1;
  const t = raw.indexOf(TAB, prev + 1);
  return t < 0 || t >= end ? -1 : t;
}

const ascii = (raw: Buffer, start: number, end: number): string => raw.toString("latin1", start, end);

function decodeLine(raw: Buffer, start: number, end: number): BusMessage {
  const kind = raw[start];
  if (raw[start + 1] !== TAB || start + 1 >= end) throw new Error("unknown bus record");
  if (kind === 0x72 /* r */) {
    const m: unknown = JSON.parse(raw.toString("utf8", start + 2, end));
    if (!isRecord(m) || m.kind !== "room" || typeof m.roomId !== "string") throw new Error("bad room event");
    return m as unknown as BusMessage;
  }
  if (kind === 0x6b /* k */) {
    const tab = tabAfter(raw, start + 1, end);
    if (tab < 0) throw new Error("truncated receipts");
    return {
      kind: "receipts",
      delivered: ids(ascii(raw, start + 2, tab)),
      gone: ids(ascii(raw, tab + 1, end)),
    };
  }
  if (kind === 0x71 /* q */) {
    const t1 = tabAfter(raw, start + 1, end);
    const t2 = tabAfter(raw, t1, end);
    const t3 = tabAfter(raw, t2, end);
    const deliverBy = t3 < 0 ? Number.NaN : Number(ascii(raw, t2 + 1, t3));
    if (t3 < 0 || !Number.isFinite(deliverBy)) throw new Error("truncated peer message");
    const receipt = { replyTo: ascii(raw, start + 2, t1), id: ascii(raw, t1 + 1, t2), deliverBy };
    return { ...peerLine(raw, t3 + 1, end), receipt };
  }
  if (kind !== 0x70 /* p */) throw new Error("unknown bus record");
  return peerLine(raw, start + 2, end);
}

const ids = (list: string): string[] => (list === "" ? [] : list.split(","));

/** `to<TAB>roomId<TAB>type<TAB>frame` between `start` and `end`. */
function peerLine(raw: Buffer, start: number, end: number): Extract<BusMessage, { kind: "peer" }> {
  const t1 = tabAfter(raw, start - 1, end);
  const t2 = tabAfter(raw, t1, end);
  const t3 = tabAfter(raw, t2, end);
  if (t3 < 0) throw new Error("truncated peer message");
  return {
    kind: "peer",
    to: ascii(raw, start, t1),
    roomId: ascii(raw, t1 + 1, t2),
    type: ascii(raw, t2 + 1, t3) as ServerMessageType,
    frame: raw.subarray(t3 + 1, end),
  };
}

/**
 * A JSON array of bus messages, as instances before the line format published (`{kind: "peer", to, msg}` with
 * the message as an object): read so that a rolling upgrade keeps relays from not-yet-upgraded instances.
 */
function decodeLegacy(raw: string): BusMessage[] {
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new Error("bad bus batch");
  return parsed.map((m: unknown): BusMessage => {
    if (!isRecord(m)) throw new Error("bad bus message");
    if (m.kind === "room") return m as unknown as BusMessage;
    const msg = m.msg;
    if (m.kind !== "peer" || typeof m.to !== "string" || !isRecord(msg) || typeof msg.roomId !== "string")
      throw new Error("bad peer message");
    const typed = msg as unknown as ServerMessage;
    return { kind: "peer", to: m.to, roomId: msg.roomId, type: typed.type, frame: JSON.stringify(msg) };
  });
}
