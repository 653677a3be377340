// The web app's pure modules: routes, meeting codes from pasted text, same-origin URLs, human messages, remote
// stream bookkeeping.
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { CLIENT_ERROR_CODES } from "@switchboard/client";
import { ERROR_CODE_LIST } from "@switchboard/protocol";
import { mediaFailure, sentenceFor } from "../../src/lib/human-messages";
import { meetingCodeFrom } from "../../src/lib/meeting-code";
import { parseRoute, routeHash } from "../../src/lib/route";
import { apiBaseFor, meetingLinkFor, signalingUrlFor } from "../../src/lib/signaling-url";
import { addStream, dropPeer, dropScreen, renamePeer, type RemoteMediaMap } from "../../src/lib/remote-media";

describe("routes", () => {
  it("meeting routes carry relay=1 both ways", () => {
    assert.deepEqual(parseRoute("#/m/abc-def?relay=1"), { view: "meeting", code: "abc-def", relay: true });
    assert.deepEqual(parseRoute("#/m/abc-def"), { view: "meeting", code: "abc-def" });
    assert.equal(routeHash({ view: "meeting", code: "abc-def", relay: true }), "#/m/abc-def?relay=1");
    assert.deepEqual(parseRoute(routeHash({ view: "meeting", code: "x_y-z" })), {
      view: "meeting",
      code: "x_y-z",
    });
    assert.deepEqual(parseRoute("#/nowhere"), { view: "start" });
  });
});

describe("meeting code from pasted text", () => {
  it("takes a bare code or a link, refuses anything else", () => {
    assert.equal(meetingCodeFrom("  kxq-wmtb-pze "), "kxq-wmtb-pze");
    assert.equal(meetingCodeFrom("https://sb.example/#/m/kxq-wmtb-pze?relay=1"), "kxq-wmtb-pze");
    assert.equal(meetingCodeFrom("http://127.0.0.1:8080/#/m/abc"), "abc");
    for (const bad of [
      "",
      "ab",
      "not a code!",
      "https://sb.example/#/files/abc",
      "#/m/%E0%A4%A",
      "x".repeat(65),
    ])
      assert.equal(meetingCodeFrom(bad), undefined, bad);
  });
});

describe("same-origin URLs", () => {
  it("ws on http, wss on https, the API and links beside the page", () => {
    assert.equal(signalingUrlFor({ protocol: "http:", host: "127.0.0.1:8080" }), "ws://127.0.0.1:8080/ws");
    assert.equal(signalingUrlFor({ protocol: "https:", host: "sb.example" }), "wss://sb.example/ws");
    assert.equal(apiBaseFor({ protocol: "https:", host: "sb.example" }), "https://sb.example/api");
    assert.equal(
      meetingLinkFor({ protocol: "https:", host: "sb.example", pathname: "/" }, "a b"),
      "https://sb.example/#/m/a%20b",
    );
  });
});

describe("human messages", () => {
  it("every protocol and client error code has a sentence, never the bare code", () => {
    for (const code of [...ERROR_CODE_LIST, ...CLIENT_ERROR_CODES]) {
      const s = sentenceFor(code);
      assert.doesNotMatch(s, /Something went wrong/, `${code} has a sentence of its own`);
      assert.match(s, /^[A-Z].*[.…]$/, code);
    }
  });
  it("the failures a user can hit each read as their own sentence", () => {
    const codes = [
      "permission_denied",
      "no_device",
      "signaling_unreachable",
      "signaling_lost",
      "signaling_back",
      "room_not_found",
      "room_full",
      "room_locked",
      "meeting_ended",
      "lobby_waiting",
      "lobby_denied",
      "kicked",
      "ice_failed",
      "turn_unavailable",
      "turn_needed",
    ];
    const sentences = codes.map(sentenceFor);
    assert.equal(new Set(sentences).size, codes.length);
    assert.match(sentenceFor("made_up_code"), /^Something went wrong \(made up code\)\.$/);
  });
  it("browser media errors map to refusal, absence or a busy device", () => {
    assert.equal(mediaFailure("NotAllowedError"), "permission_denied");
    assert.equal(mediaFailure("NotFoundError"), "no_device");
    assert.equal(mediaFailure("NotReadableError"), "device_busy");
  });
});

describe("remote streams per peer", () => {
  const stream = (id: string) => ({ id }) as MediaStream;
  it("first stream is the camera, a later one the screen; rename and leave follow", () => {
    let m: RemoteMediaMap = new Map();
    m = addStream(m, "p1", stream("cam"));
    const cam = m.get("p1")?.camera;
    assert.equal(addStream(m, "p1", cam as MediaStream), m, "the same stream twice changes nothing");
    const replaced = addStream(m, "p1", stream("cam"));
    assert.notEqual(replaced.get("p1")?.camera, cam, "a new object with the same id replaces the old one");
    assert.equal(replaced.get("p1")?.screen, undefined);
    m = replaced;
    m = addStream(m, "p1", stream("scr"));
    assert.equal(m.get("p1")?.camera?.id, "cam");
    assert.equal(m.get("p1")?.screen?.id, "scr");
    m = dropScreen(m, "p1");
    assert.equal(m.get("p1")?.screen, undefined);
    assert.equal(m.get("p1")?.camera?.id, "cam");
    m = renamePeer(m, "p1", "p2");
    assert.equal(m.has("p1"), false);
    assert.equal(m.get("p2")?.camera?.id, "cam");
    m = dropPeer(m, "p2");
    assert.equal(m.size, 0);
  });
});
