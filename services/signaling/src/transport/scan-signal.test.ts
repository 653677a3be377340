import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { parseFrame } from "./parse-frame.js";
import { scanSignal } from "./scan-signal.js";

const CANDIDATE =
  '{"candidate":"candidate:842163049 1 udp 1677729535 192.0.2.7 50000 typ srflx","sdpMid":"0","sdpMLineIndex":0}';

/** Frames the fast path must take (and `parseFrame` accepts): what clients write with `JSON.stringify`. */
const VALID = [
  `{"v":1,"type":"signal","roomId":"room-1","to":"AbC_9-x","data":{"kind":"candidate","candidate":${CANDIDATE}}}`,
  `{"v":1,"id":"req 7","type":"signal","roomId":"abc","to":"p","data":{"kind":"candidate","candidate":null}}`,
  `{"v":1,"type":"signal","id":"~!","roomId":"abc","to":"p","data":{"kind":"candidate","candidate":null}}`,
  `{"id":"r1","v":1,"type":"signal","roomId":"abc","to":"p","data":{"kind":"candidate","candidate":null}}`,
  `{"v":1,"type":"signal","roomId":"r_1","to":"p2","data":{"kind":"candidate","candidate":{"candidate":"","sdpMid":null,"sdpMLineIndex":null,"usernameFragment":null}}}`,
  `{"v":1,"type":"signal","roomId":"r_1","to":"p2","data":{"kind":"candidate","candidate":{"candidate":"x","sdpMLineIndex":1024,"usernameFragment":"u"}}}`,
  `{"v":1,"type":"signal","roomId":"r_1","to":"p2","data":{"kind":"candidate","candidate":{"candidate":"x","sdpMLineIndex":1019}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"offer","sdp":"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n","iceRestart":true}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"offer","sdp":"é😀\\u00e9\\"\\\\\\/\u2028","signature":{"alg":"ES256","publicKey":"pk","signature":"sig","nonce":"n0nce-0123456789ab"}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"answer","sdp":"s","signature":{"alg":"ES256","publicKey":"{\\"kty\\":\\"EC\\"}","signature":"s","nonce":"n0nce-0123456789ab"}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1,"id":"${"i".repeat(64)}","type":"signal","roomId":"${"r".repeat(64)}","to":"${"p".repeat(64)}","data":{"kind":"candidate","candidate":{"candidate":"${"c".repeat(1024)}"}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"candidate","candidate":{"candidate":"${"😀".repeat(512)}"}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"answer","sdp":"${"\\n".repeat(32_768)}"}}`,
];

/** Frames `parseFrame` accepts that the fast path leaves to it. */
const LEFT_TO_PARSER = [
  `{"v":1,"type":"ping"}`,
  ` {"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"ice-restart" }}`,
  `{"type":"signal","v":1,"roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1.0,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1,"type":"sign\\u0061l","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1,"id":"a","type":"signal","id":"b","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"id":"a","v":1,"id":"b","type":"signal","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"id":"a","v":1,"type":"signal","id":"b","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1,"type":"signal","id":"é","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"candidate","candidate":{"candidate":"x","sdpMLineIndex":1e2}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"candidate","candidate":{"sdpMid":"0","candidate":"x"}}}`,
];

/** Frames both reject. */
const INVALID = [
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"candidate","candidate":{"candidate":"${"😀".repeat(513)}"}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"answer","sdp":"${"\\n".repeat(32_769)}"}}`,
  `{"v":1,"type":"signal","roomId":"room 1","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1,"type":"signal","roomId":"ro","to":"p2","data":{"kind":"ice-restart"}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"answer","sdp":"s","iceRestart":false}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"offer","sdp":""}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"candidate","candidate":{"candidate":"x","sdpMLineIndex":1025}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"candidate","candidate":{"candidate":"x","sdpMLineIndex":01}}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"ice-restart","x":1}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}x`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"},}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"offer","sdp":"a\tb"}}`,
  `{"v":1,"type":"signal","roomId":"room-1","to":"p2","data":{"kind":"offer","sdp":"a\\xb"}}`,
];

/** What the fast path found agrees with the full parser. */
function assertAgrees(text: string): boolean {
  const scanned = scanSignal(Buffer.from(text, "utf8"), text);
  if (scanned === undefined) return false;
  const parsed = parseFrame(text);
  assert.ok(parsed.ok, `fast path took a frame the parser rejects: ${text}`);
  assert.equal(parsed.msg.type, "signal", text);
  if (parsed.msg.type !== "signal") return true;
  assert.equal(scanned.roomId, parsed.msg.roomId, text);
  assert.equal(scanned.to, parsed.msg.to, text);
  assert.equal(scanned.id, parsed.msg.id, text);
  const data = scanned.data.toString("utf8");
  assert.ok(!/[\t\r\n]/.test(data), text);
  assert.deepEqual(JSON.parse(data), parsed.msg.data, text);
  return true;
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '"',
  "\\",
  "{",
  "}",
  ",",
  ":",
  " ",
  "\t",
  "\n",
  "1",
  "0",
  "-",
  "e",
  "null",
  "u",
  "é",
  "😀",
  "x",
];
const WORDS = [
  '"kind"',
  '"sdp"',
  '"candidate"',
  '"offer"',
  '"v"',
  '"to"',
  '"id"',
  "true",
  "null",
  '"\\u0041"',
];

describe("scanSignal", () => {
  it("takes well-formed signal frames of every kind, with what the full parser sees", () => {
    for (const text of VALID) assert.ok(assertAgrees(text), `fast path refused: ${text}`);
  });

  it("leaves other valid forms to the full parser", () => {
    for (const text of LEFT_TO_PARSER) {
      assert.ok(parseFrame(text).ok, text);
      assert.equal(scanSignal(Buffer.from(text), text), undefined, text);
    }
  });

  it("refuses what the full parser refuses", () => {
    for (const text of INVALID) {
      assert.ok(!parseFrame(text).ok, text);
      assert.equal(scanSignal(Buffer.from(text), text), undefined, text);
    }
  });

  it("never takes a frame the full parser rejects or reads differently (fuzzed)", () => {
    const random = rng(4);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    let taken = 0;
    const rounds = 30_000;
    for (let i = 0; i < rounds; i++) {
      let text = pick(VALID);
      const edits = 1 + Math.floor(random() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(random() * (text.length + 1));
        const op = random();
        if (op < 0.3) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
        else if (op < 0.6) text = text.slice(0, at) + pick(PIECES) + text.slice(at);
        else if (op < 0.8) text = text.slice(0, at) + pick(WORDS) + text.slice(at);
        else text = text.slice(0, at) + pick(PIECES) + text.slice(at + 1);
      }
      // Mutations can split a surrogate pair; ws only hands on valid UTF-8, so skip those.
      if (Buffer.from(text, "utf8").toString("utf8") !== text) continue;
      if (assertAgrees(text)) taken++;
    }
    // Many mutations (inside strings, whitespace) keep the frame valid: the fast path must still take some.
    assert.ok(taken > rounds / 50, `fast path took only ${taken} of ${rounds}`);
  });
});
