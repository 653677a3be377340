import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  formatStunServer,
  parseStunServer,
  parseStunServerList,
  StunServerAddressError,
} from "./server-address.js";

describe("parseStunServer", () => {
  const good: Array<[string, string, number]> = [
    ["127.0.0.1:3478", "127.0.0.1", 3478],
    ["stun.example.org", "stun.example.org", 3478],
    ["stun:stun.example.org:19302", "stun.example.org", 19302],
    ["STUN:10.0.0.1", "10.0.0.1", 3478],
    ["[::1]:3479", "::1", 3479],
    ["stun:[2001:db8::1]", "2001:db8::1", 3478],
  ];
  for (const [input, host, port] of good) {
    it(`reads ${input}`, () => assert.deepEqual(parseStunServer(input), { host, port }));
  }
  const bad = ["", "host:0", "host:70000", "host:port", "stuns:host", "turn:host", "::1", "a b", "http://x/"];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input)}`, () =>
      assert.throws(() => parseStunServer(input), StunServerAddressError));
  }
});

describe("parseStunServerList and formatStunServer", () => {
  it("splits on commas, trims, and skips empty entries", () => {
    const list = parseStunServerList(" 127.0.0.1:3478, stun:[::1]:3479  ,host ,");
    assert.deepEqual(list.map(formatStunServer), ["127.0.0.1:3478", "[::1]:3479", "host:3478"]);
  });
  it("throws on a bad entry", () => {
    assert.throws(() => parseStunServerList("a:1,b:x"), /"b:x"/);
    assert.throws(() => parseStunServerList("stun:bad host:1"), StunServerAddressError);
  });
});
