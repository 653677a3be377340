import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { resultLine, tsxCommand } from "./netns.js";

describe("netns helpers (pure parts; the namespace run itself is in test/interop)", () => {
  it("finds the RESULT line among other output", () => {
    assert.equal(resultLine('noise\nRESULT {"a":1}\nmore'), '{"a":1}');
    assert.equal(resultLine("no result here"), undefined);
  });
  it("runs TypeScript sources with tsx and the source condition", () => {
    assert.deepEqual(tsxCommand("/x.ts").slice(1), ["--conditions=source", "--import", "tsx", "/x.ts"]);
  });
});
