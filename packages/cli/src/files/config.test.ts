import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { formatShareLink } from "@switchboard/files";
import { ConfigError } from "../args.js";
import { originOf, resolveGetConfig, resolveShareConfig } from "./config.js";

const root = new Uint8Array(32).fill(7);

describe("share/get configuration", () => {
  it("share: files, a random meeting by default, origin from signaling, upload limit", () => {
    const c = resolveShareConfig(
      ["a.bin", "b.bin", "-s", "wss://sb.example/ws", "--upload-limit", "65536"],
      {},
    );
    assert.ok(c !== "help");
    assert.equal(c.files.length, 2);
    assert.match(c.meetingCode, /^files-[0-9a-f]{10}$/);
    assert.equal(c.origin, "https://sb.example");
    assert.equal(c.uploadLimit, 65536);
    const env = resolveShareConfig(["x"], { MEETING_CODE: "room-1", SIGNALING_URL: "ws://127.0.0.1:9/ws" });
    assert.ok(env !== "help");
    assert.equal(env.meetingCode, "room-1");
    assert.equal(env.origin, "http://127.0.0.1:9");
  });

  it("share: bad input is a ConfigError", () => {
    for (const args of [
      [],
      ["x", "-m", "a b"],
      ["x", "-s", "http://x/ws"],
      ["x", "--upload-limit", "10"],
      ["x", "--nope"],
    ]) {
      assert.throws(() => resolveShareConfig(args, {}), ConfigError, args.join(" "));
    }
    assert.equal(resolveShareConfig(["--help"], {}), "help");
  });

  it("get: meeting and signaling from the link, overridable; one link only", () => {
    const link = formatShareLink({ origin: "http://127.0.0.1:8080", root, meeting: "demo-room" });
    const c = resolveGetConfig([link, "--out", "/tmp/x"], {});
    assert.ok(c !== "help");
    assert.equal(c.meetingCode, "demo-room");
    assert.equal(c.signalingUrl, "ws://127.0.0.1:8080/ws");
    assert.equal(c.outDir, "/tmp/x");
    assert.deepEqual(c.root, root);
    const o = resolveGetConfig([link, "-s", "ws://10.0.0.1/ws"], {});
    assert.ok(o !== "help");
    assert.equal(o.signalingUrl, "ws://10.0.0.1/ws");
    assert.throws(() => resolveGetConfig([], {}), ConfigError);
    assert.throws(() => resolveGetConfig([link, link], {}), ConfigError);
    assert.throws(() => resolveGetConfig(["http://x/#/files/zz?meeting=abc"], {}), ConfigError);
    assert.throws(() => resolveGetConfig([link, "--name", "a"], {}), ConfigError);
  });

  it("get --meeting: browse the meeting's catalogue (list, or fetch by name)", () => {
    const c = resolveGetConfig(
      ["--meeting", "demo-room", "--name", "a.bin", "-s", "ws://127.0.0.1:9/ws"],
      {},
    );
    assert.ok(c !== "help");
    assert.equal(c.root, null);
    assert.equal(c.name, "a.bin");
    assert.equal(c.meetingCode, "demo-room");
    assert.equal(c.signalingUrl, "ws://127.0.0.1:9/ws");
    const l = resolveGetConfig(["--wait", "2"], { MEETING_CODE: "room-2" });
    assert.ok(l !== "help");
    assert.equal(l.listSeconds, 2);
    assert.throws(() => resolveGetConfig(["--wait", "0", "-m", "abc"], {}), ConfigError);
  });

  it("originOf maps ws/wss to http/https", () => {
    assert.equal(originOf("ws://h:1/ws"), "http://h:1");
    assert.equal(originOf("wss://h/ws"), "https://h");
  });
});
