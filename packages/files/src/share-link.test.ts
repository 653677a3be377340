import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { formatShareLink, parseShareLink, defaultSignalingUrl } from "./share-link.js";

const root = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

describe("share links", () => {
  it("carry the root and the meeting; signaling defaults to the origin's /ws", () => {
    const link = formatShareLink({ origin: "https://sb.example/", root, meeting: "demo-room" });
    assert.match(link, /^https:\/\/sb\.example\/#\/files\/[0-9a-f]{64}\?meeting=demo-room$/);
    const p = parseShareLink(link);
    assert.deepEqual(p.root, root);
    assert.equal(p.meeting, "demo-room");
    assert.equal(p.signalingUrl, "wss://sb.example/ws");
    assert.equal(defaultSignalingUrl("http://127.0.0.1:8080"), "ws://127.0.0.1:8080/ws");
  });

  it("keep an overridden signaling URL", () => {
    const link = formatShareLink({
      origin: "http://127.0.0.1:3000",
      root,
      meeting: "m1",
      signalingUrl: "ws://127.0.0.1:9/ws",
    });
    assert.equal(parseShareLink(link).signalingUrl, "ws://127.0.0.1:9/ws");
  });

  it("reject malformed links with link_invalid", () => {
    const hex = "ab".repeat(32);
    for (const bad of [
      "not a url",
      `ftp://x/#/files/${hex}?meeting=a`,
      `http://x/#/files/${hex}`,
      `http://x/#/files/${hex.slice(2)}?meeting=a`,
      `http://x/#/files/${hex}zz?meeting=a`,
      `http://x/#/files/${hex}?meeting=a%20b`,
      `http://x/#/files/${hex}?meeting=a&signaling=http://x/ws`,
      `http://x/#/other/${hex}?meeting=a`,
    ]) {
      assert.throws(() => parseShareLink(bad), { code: "link_invalid" }, bad);
    }
  });
});
