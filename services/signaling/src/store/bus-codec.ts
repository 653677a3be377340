import type { ServerMessage, ServerMessageType } from "@switchboard/protocol";
import type { BusMessage } from "./store.js";

/**
 * The text of one bus PUBLISH: the messages for one instance from one event-loop turn, one per line, in order.
 *
 *   p<TAB>to<TAB>roomId<TAB>type<TAB>frame   a peer message; `frame` is the JSON text sent to the client as is
 *   q<TAB>replyTo<TAB>id<TAB>deliverBy<TAB>to<TAB>roomId<TAB>type<TAB>frame
 *                                            a peer message that asks for a receipt
 *   k<TAB>ids<TAB>ids                        receipts: ids delivered, ids whose peer was gone (comma-separated)
 *   r<TAB>json                               a room event (the `BusMessage` as JSON)
 *
 * Neither `JSON.stringify` output nor ids (`[A-Za-z0-9_-]`) nor message types contain a tab or a line break, so
 * a frame is carried without escaping and the receiver hands it on without parsing it.
 */
export function encodeBusBatch(msgs: readonly BusMessage[]): string {
  let out = "";
  for (const m of msgs) {
    if (out !== "") out += "\n";
    if (m.kind === "receipts") out += `k\t${m.delivered.join(",")}\t${m.gone.join(",")}`;
    else if (m.kind === "room") out += `r\t${JSON.stringify(m)}`;
    else if (m.receipt === undefined) out += `p\t${m.to}\t${m.roomId}\t${m.type}\t${m.frame}`;
    else {
      const r = m.receipt;
      out += `q\t${r.replyTo}\t${r.id}\t${r.deliverBy}\t${m.to}\t${m.roomId}\t${m.type}\t${m.frame}`;
    }
  }
  return out;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

/** The messages of one PUBLISH; throws on text that is not a bus batch. */
export function decodeBusBatch(raw: string): BusMessage[] {
  if (raw.startsWith("[")) return decodeLegacy(raw);
  const out: BusMessage[] = [];
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf("\n", start);
    if (end < 0) end = raw.length;
    out.push(decodeLine(raw, start, end));
    start = end + 1;
  }
  return out;
}

function decodeLine(raw: string, start: number, end: number): BusMessage {
  const kind = raw.slice(start, start + 2);
  if (kind === "r\t") {
    const m: unknown = JSON.parse(raw.slice(start + 2, end));
    if (!isRecord(m) || m.kind !== "room" || typeof m.roomId !== "string") throw new Error("bad room event");
    return m as unknown as BusMessage;
  }
  if (kind === "k\t") {
    const tab = raw.indexOf("\t", start + 2);
    if (tab < 0 || tab >= end) throw new Error("truncated receipts");
    return {
      kind: "receipts",
      delivered: ids(raw.slice(start + 2, tab)),
      gone: ids(raw.slice(tab + 1, end)),
    };
  }
  if (kind === "q\t") {
    const t1 = raw.indexOf("\t", start + 2);
    const t2 = t1 < 0 ? -1 : raw.indexOf("\t", t1 + 1);
    const t3 = t2 < 0 ? -1 : raw.indexOf("\t", t2 + 1);
    const deliverBy = Number(raw.slice(t2 + 1, t3));
    if (t3 < 0 || t3 >= end || !Number.isFinite(deliverBy)) throw new Error("truncated peer message");
    const receipt = { replyTo: raw.slice(start + 2, t1), id: raw.slice(t1 + 1, t2), deliverBy };
    return { ...peerLine(raw, t3 + 1, end), receipt };
  }
  if (kind !== "p\t") throw new Error("unknown bus record");
  return peerLine(raw, start + 2, end);
}

const ids = (list: string): string[] => (list === "" ? [] : list.split(","));

/** `to<TAB>roomId<TAB>type<TAB>frame` between `start` and `end`. */
function peerLine(raw: string, start: number, end: number): Extract<BusMessage, { kind: "peer" }> {
  const t1 = raw.indexOf("\t", start);
  const t2 = t1 < 0 ? -1 : raw.indexOf("\t", t1 + 1);
  const t3 = t2 < 0 ? -1 : raw.indexOf("\t", t2 + 1);
  if (t1 < 0 || t3 < 0 || t3 >= end) throw new Error("truncated peer message");
  return {
    kind: "peer",
    to: raw.slice(start, t1),
    roomId: raw.slice(t1 + 1, t2),
    type: raw.slice(t2 + 1, t3) as ServerMessageType,
    frame: raw.slice(t3 + 1, end),
  };
}

/**
 * A JSON array of bus messages, as instances before this format published (`{kind: "peer", to, msg}` with the
 * message as an object): read so that a rolling upgrade keeps relays from not-yet-upgraded instances.
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
