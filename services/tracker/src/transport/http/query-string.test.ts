import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { decodeText, parseQuery, percentDecode } from "./query-string.js";

describe("binary-safe query strings", () => {
  it("keeps every byte of info_hash, including invalid UTF-8", () => {
    const bytes = Buffer.from("ff00e9c3288025263d2b" + "00".repeat(10), "hex");
    const encoded = Array.from(bytes, (b) => `%${b.toString(16).padStart(2, "0")}`).join("");
    const q = parseQuery(`info_hash=${encoded}&port=1`);
    assert.deepEqual(Buffer.from(percentDecode(q?.get("info_hash")?.[0] ?? "") ?? []), bytes);
    assert.equal(decodeText(q?.get("port")?.[0] ?? ""), "1");
  });

  it("mixes literal characters and escapes, + is a space", () => {
    assert.deepEqual(Buffer.from(percentDecode("a%41+b") ?? []), Buffer.from("aA b"));
  });

  it("collects repeated names", () => {
    assert.equal(parseQuery("info_hash=a&info_hash=b&x")?.get("info_hash")?.length, 2);
    assert.deepEqual(parseQuery("x")?.get("x"), [""]);
  });

  it("rejects broken escapes and non-ASCII characters", () => {
    assert.equal(parseQuery("a%4=1"), undefined);
    assert.equal(decodeText("%4"), undefined);
    assert.equal(percentDecode("%zz"), undefined);
    assert.equal(percentDecode("\u00e9"), undefined);
  });

  it("caps the number of fields", () => {
    assert.equal(parseQuery("a=1&".repeat(401)), undefined);
  });
});
