import { SerializedFrame } from "./outbound.js";
import { putAscii, putBytes, startTextFrame, textFrameHeaderLength } from "./text-frame.js";

/**
 * A relayed `signal` before it is written: `{v: 1, type: "signal", roomId, from, data}` with `data` the JSON
 * text as the sender's client wrote it (bytes of the relay's fast path, or serialized again). The relay writes
 * it once, where it goes: behind a WebSocket header for a peer here (`signalFrame`), into the bus batch for a
 * peer on another instance. Room and peer ids are `[A-Za-z0-9_-]` (schema-checked, or the server's own).
 */
export interface SignalParts {
  readonly roomId: string;
  readonly from: string;
  readonly data: string | Uint8Array;
}

const HEAD = Buffer.from('{"v":1,"type":"signal","roomId":"');
const FROM = Buffer.from('","from":"');
const DATA = Buffer.from('","data":');

/** Whether a peer message's frame is a signal not yet written (it has no JSON text yet). */
export const isSignalParts = (frame: unknown): frame is SignalParts =>
  typeof frame === "object" && frame !== null && !(frame instanceof Uint8Array) && "from" in frame;

/** Bytes of the signal's JSON text. */
export function signalJsonLength(s: SignalParts): number {
  const data = typeof s.data === "string" ? Buffer.byteLength(s.data) : s.data.length;
  return HEAD.length + s.roomId.length + FROM.length + s.from.length + DATA.length + data + 1;
}

/** Writes the signal's JSON text at `at`; returns the offset after it. */
export function writeSignalJson(out: Buffer, at: number, s: SignalParts): number {
  at = putBytes(out, at, HEAD);
  at = putAscii(out, at, s.roomId);
  at = putBytes(out, at, FROM);
  at = putAscii(out, at, s.from);
  at = putBytes(out, at, DATA);
  at = typeof s.data === "string" ? at + out.write(s.data, at, "utf8") : putBytes(out, at, s.data);
  out[at] = 0x7d; // }
  return at + 1;
}

/** The signal as a WebSocket frame for a peer on this instance (its JSON written once, behind the header). */
export function signalFrame(s: SignalParts): SerializedFrame {
  const length = signalJsonLength(s);
  const wire = startTextFrame(length);
  writeSignalJson(wire, textFrameHeaderLength(length), s);
  return SerializedFrame.fromWire("signal", wire);
}
