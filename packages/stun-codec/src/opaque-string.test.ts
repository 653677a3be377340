import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { prepareOpaqueString, prepareSaslPrep } from "./opaque-string.js";

describe("OpaqueString (RFC 8265 §4.2)", () => {
  it("maps non-ASCII spaces to U+0020 and applies NFC", () => {
    assert.equal(prepareOpaqueString("a\u00a0b\u3000c"), "a b c");
    assert.equal(prepareOpaqueString("e\u0301"), "\u00e9");
    assert.equal(prepareOpaqueString("TheMatrIX"), "TheMatrIX");
    assert.equal(
      prepareOpaqueString("\u30de\u30c8\u30ea\u30c3\u30af\u30b9"),
      "\u30de\u30c8\u30ea\u30c3\u30af\u30b9",
    );
  });
  it("keeps compatibility characters (no NFKC), rejects empty, controls, unassigned, ignorables", () => {
    assert.equal(prepareOpaqueString("\u2168"), "\u2168");
    assert.equal(prepareOpaqueString(""), undefined);
    assert.equal(prepareOpaqueString("a\u0007"), undefined);
    assert.equal(prepareOpaqueString("a\u0378"), undefined);
    assert.equal(prepareOpaqueString("a\u00adb"), undefined);
    assert.equal(prepareOpaqueString("a\ud800"), undefined);
  });
});

describe("SASLprep (RFC 4013)", () => {
  it("prepares the RFC 5769 password", () => {
    assert.equal(prepareSaslPrep("The\u00adM\u00aatr\u2168"), "TheMatrIX");
  });
  it("RFC 4013 §3 examples", () => {
    assert.equal(prepareSaslPrep("I\u00adX"), "IX");
    assert.equal(prepareSaslPrep("user"), "user");
    assert.equal(prepareSaslPrep("USER"), "USER");
    assert.equal(prepareSaslPrep("\u00aa"), "a");
    assert.equal(prepareSaslPrep("\u2168"), "IX");
    assert.equal(prepareSaslPrep("\u0007"), undefined);
    assert.equal(prepareSaslPrep("\u0627\u0031"), undefined); // bidi: RandAL first, not last
    assert.equal(prepareSaslPrep("\u0627\u0031\u0628"), "\u0627\u0031\u0628");
    assert.equal(prepareSaslPrep("\u0627a\u0628"), undefined); // mixes LCat and RandALCat
  });
});
