/**
 * The relay's fast path: recognizes a `signal` frame that the full parser (`parseFrame`: `JSON.parse` + the
 * compiled `SignalMessage` schema) would accept, with one regular expression over its text, and returns its
 * `data` as the text it came in, so the relayed frame carries it as is instead of parsing and re-serializing it.
 *
 * It only knows the compact form `JSON.stringify` writes, in the key order clients write (`v`, `type`, `roomId`,
 * `to`, `data`, with `id` first, after `v` or after `type`; the `RTCIceCandidateInit` order for candidates), and is
 * narrower than the schema: anything else (whitespace, other key orders, unknown keys, repeated keys, numbers
 * other than plain integers, ids with escapes or non-ASCII) returns `undefined`, and the caller falls back to
 * `parseFrame`, which accepts or rejects the frame as always. So a frame accepted here is one `parseFrame`
 * accepts too, with the same `roomId`, `to`, `id` and `data` (tested on valid frames and fuzzed ones).
 * String lengths are counted in UTF-16 units as the schema does: each alternative of `STR` is one unit.
 * Relayed data never holds a raw tab or line break (the bus codec relies on it): JSON strings cannot.
 */
export interface ScannedSignal {
  readonly id: string | undefined;
  readonly roomId: string;
  readonly to: string;
  /** The `data` member's JSON text, as received: a view of the frame's bytes. */
  readonly data: Buffer;
}

/** A JSON string of `min..max` UTF-16 units. */
const str = (min: number, max: number): string =>
  String.raw`"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4}){${min},${max}}"`;
const orNull = (re: string): string => `(?:null|${re})`;
/** A room or peer id (`^[A-Za-z0-9_-]+$`), captured. */
const id = (min: number): string => String.raw`"([A-Za-z0-9_-]{${min},64})"`;
/** A request id: printable ASCII without escapes here (others take the full parser), captured. */
const REQUEST_ID = String.raw`"id":"([\x20\x21\x23-\x5b\x5d-\x7e]{1,64})",`;
/** An integer 0..1024 written plainly. */
const M_LINE_INDEX = String.raw`(?:0|102[0-4]|10[01]\d|[1-9]\d{0,2})`;

const CANDIDATE_INIT =
  String.raw`\{"candidate":${str(0, 1024)}` +
  `(?:,"sdpMid":${orNull(str(0, 64))})?` +
  `(?:,"sdpMLineIndex":${orNull(M_LINE_INDEX)})?` +
  `(?:,"usernameFragment":${orNull(str(0, 256))})?\\}`;
const SDP_SIGNATURE = String.raw`\{"alg":"ES256","publicKey":${str(1, 1024)},"signature":${str(1, 256)},"nonce":"[A-Za-z0-9_-]{16,64}"\}`;
const SDP = `"sdp":${str(1, 32_768)}`;
const DATA = [
  String.raw`\{"kind":"candidate","candidate":${orNull(CANDIDATE_INIT)}\}`,
  String.raw`\{"kind":"offer",${SDP}(?:,"iceRestart":(?:true|false))?(?:,"signature":${SDP_SIGNATURE})?\}`,
  String.raw`\{"kind":"answer",${SDP}(?:,"signature":${SDP_SIGNATURE})?\}`,
  String.raw`\{"kind":"ice-restart"\}`,
].join("|");

const SIGNAL_FRAME = new RegExp(
  String.raw`^\{(?:${REQUEST_ID})?"v":1,(?:${REQUEST_ID})?"type":"signal",(?:${REQUEST_ID})?"roomId":${id(3)},"to":${id(1)},"data":(${DATA})\}$`,
);

/**
 * A `signal` frame `parseFrame` would accept (see above), or `undefined`: use `parseFrame` then. `bytes` is
 * valid UTF-8 (ws checks every text frame before handing it on) and `text` is `bytes` decoded.
 */
export function scanSignal(bytes: Buffer, text: string): ScannedSignal | undefined {
  const m = SIGNAL_FRAME.exec(text);
  if (m === null) return undefined;
  // `id` may come first, after `v` or after `type`; twice is a repeated key, left to the full parser.
  const ids = (m[1] === undefined ? 0 : 1) + (m[2] === undefined ? 0 : 1) + (m[3] === undefined ? 0 : 1);
  if (ids > 1) return undefined;
  // `data` is the last member: its bytes end right before the closing brace.
  const end = bytes.length - 1;
  const dataText = m[6] ?? "";
  // An ASCII frame has as many bytes as characters (the usual case: no need to count the data's bytes).
  const dataBytes = bytes.length === text.length ? dataText.length : Buffer.byteLength(dataText);
  const data = bytes.subarray(end - dataBytes, end);
  return { id: m[1] ?? m[2] ?? m[3], roomId: m[4] ?? "", to: m[5] ?? "", data };
}
