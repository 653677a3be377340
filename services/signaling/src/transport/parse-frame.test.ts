import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { parseFrame } from "./parse-frame.js";

describe("parseFrame", () => {
  it("accepts valid messages", () => {
    const r = parseFrame(
      '{"v":1,"type":"signal","id":"7","roomId":"room-1","to":"p2","data":{"kind":"ice-restart"}}',
    );
    assert.ok(r.ok);
    assert.equal(r.msg.type, "signal");
  });
  it("names the problem and keeps the request id when it can", () => {
    const cases: [string, string, string | undefined][] = [
      ["{", "invalid_message", undefined],
      ["[1]", "invalid_message", undefined],
      ['{"v":2,"type":"ping","id":"a"}', "unsupported_version", "a"],
      ['{"v":1,"type":"fly","id":"b"}', "invalid_message", "b"],
      ['{"v":1,"type":"join","id":"c","roomId":"x y"}', "invalid_message", "c"],
      ['{"v":1,"type":"join","id":"' + "x".repeat(100) + '","roomId":"abc"}', "invalid_message", undefined],
    ];
    for (const [text, code, id] of cases) {
      const r = parseFrame(text);
      assert.ok(!r.ok, text);
      assert.equal(r.error.code, code, text);
      assert.equal(r.id, id, text);
    }
    const r = parseFrame('{"v":1,"type":"join","roomId":"x y"}');
    assert.ok(!r.ok && /\/roomId/.test(r.error.message));
  });
});
