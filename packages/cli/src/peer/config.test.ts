import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { ConfigError } from "../args.js";
import { DEFAULT_SIGNALING_URL, normaliseStunServer, resolvePeerConfig } from "./config.js";

test("MEETING_CODE from the environment, defaults for the rest", () => {
  const c = resolvePeerConfig([], { MEETING_CODE: "demo-room" });
  assert.notEqual(c, "help");
  assert.deepEqual(c, {
    meetingCode: "demo-room",
    signalingUrl: DEFAULT_SIGNALING_URL,
    nodeId: undefined,
    stunServers: [],
    token: undefined,
    relay: false,
    json: false,
    debug: false,
    discovery: "signaling",
    trackerUrls: [],
    dhtBootstrap: [],
  });
});

test("discovery: --discovery/DISCOVERY, repeatable --tracker or TRACKER_URLS, --dht-bootstrap or DHT_BOOTSTRAP", () => {
  const t = resolvePeerConfig(
    [
      "-m",
      "abc",
      "--discovery",
      "tracker",
      "--tracker",
      "ws://a:8000/announce",
      "--tracker",
      "wss://b/announce",
    ],
    { TRACKER_URLS: "ws://ignored/announce" },
  );
  assert.notEqual(t, "help");
  if (t === "help") return;
  assert.equal(t.discovery, "tracker");
  assert.deepEqual([...t.trackerUrls], ["ws://a:8000/announce", "wss://b/announce"]);
  const e = resolvePeerConfig([], {
    MEETING_CODE: "abc",
    DISCOVERY: "DHT",
    DHT_BOOTSTRAP: "127.0.0.1:6881, [::1]:6882,router.example.com:6881",
  });
  assert.notEqual(e, "help");
  if (e === "help") return;
  assert.equal(e.discovery, "dht");
  assert.deepEqual([...e.dhtBootstrap], ["127.0.0.1:6881", "[::1]:6882", "router.example.com:6881"]);
  assert.throws(
    () => resolvePeerConfig(["-m", "abc", "--discovery", "tracker"], {}),
    /TRACKER_URLS is required/,
  );
  assert.throws(() => resolvePeerConfig(["-m", "abc", "--discovery", "mdns"], {}), ConfigError);
  assert.throws(() => resolvePeerConfig(["-m", "abc", "--tracker", "udp://x:1/announce"], {}), /not ws:\/\//);
  assert.throws(() => resolvePeerConfig(["-m", "abc", "--tracker", "::"], {}), /not a URL/);
  for (const bad of ["host", "host:0", "host:70000", ":6881", "a b:1"])
    assert.throws(() => resolvePeerConfig(["-m", "abc", "--dht-bootstrap", bad], {}), /not HOST:PORT/, bad);
});

test("flags win over the environment", () => {
  const c = resolvePeerConfig(
    ["--meeting", "flag-code", "-s", "wss://sb.example/ws", "-n", "alice", "--relay", "--json", "--debug"],
    { MEETING_CODE: "env-code", SIGNALING_URL: "ws://other/ws", NODE_ID: "bob", DEBUG: "false" },
  );
  assert.notEqual(c, "help");
  if (c === "help") return;
  assert.equal(c.meetingCode, "flag-code");
  assert.equal(c.signalingUrl, "wss://sb.example/ws");
  assert.equal(c.nodeId, "alice");
  assert.equal(c.relay, true);
  assert.equal(c.json, true);
  assert.equal(c.debug, true);
});

test("the P2P node's variables: DEBUG=true, STUN_SERVERS with or without the scheme, NODE_ID", () => {
  const c = resolvePeerConfig([], {
    MEETING_CODE: "ABC123XYZ",
    DEBUG: "true",
    STUN_SERVERS: "stun:stun.example.com:3478, stun2.example.com:3478,[::1]:3478",
    NODE_ID: "custom_node_id",
  });
  assert.notEqual(c, "help");
  if (c === "help") return;
  assert.equal(c.debug, true);
  assert.equal(c.nodeId, "custom_node_id");
  assert.deepEqual(c.stunServers, [
    "stun:stun.example.com:3478",
    "stun:stun2.example.com:3478",
    "stun:[::1]:3478",
  ]);
  const pattern = resolvePeerConfig([], { MEETING_CODE: "abc", DEBUG: "p2p:*" });
  assert.equal(pattern !== "help" && pattern.debug, true);
});

test("--help", () => {
  assert.equal(resolvePeerConfig(["--help"], {}), "help");
});

test("bad configuration is a ConfigError that says what to fix", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], {}, /MEETING_CODE is required/],
    [[], { MEETING_CODE: "" }, /MEETING_CODE is required/],
    [[], { MEETING_CODE: "a b" }, /not a meeting code/],
    [[], { MEETING_CODE: "x".repeat(65) }, /not a meeting code/],
    [[], { MEETING_CODE: "abc", SIGNALING_URL: "http://127.0.0.1:8080/ws" }, /ws:\/\/ or wss:\/\//],
    [[], { MEETING_CODE: "abc", SIGNALING_URL: "not a url" }, /not a URL/],
    [[], { MEETING_CODE: "abc", STUN_SERVERS: "stun:bad host:1" }, /not a STUN server/],
    [[], { MEETING_CODE: "abc", STUN_SERVERS: "host:70000" }, /not a STUN server/],
    [[], { MEETING_CODE: "abc", DEBUG: "maybe" }, /DEBUG: expected true or false/],
    [[], { MEETING_CODE: "abc", NODE_ID: "a\u0007b" }, /NODE_ID/],
    [["--frobnicate"], { MEETING_CODE: "abc" }, /switchboard peer: Unknown option '--frobnicate'/],
    [["extra"], { MEETING_CODE: "abc" }, /switchboard peer: .*positional/i],
  ];
  for (const [args, env, message] of cases) {
    assert.throws(
      () => resolvePeerConfig(args, env),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `${JSON.stringify(env)}: ${String(err)}`);
        assert.match(err.message, message);
        return true;
      },
    );
  }
});

test("normaliseStunServer keeps stuns: and ports", () => {
  assert.equal(normaliseStunServer("STUNS:stun.example.com:5349"), "stuns:stun.example.com:5349");
  assert.equal(normaliseStunServer("127.0.0.1"), "stun:127.0.0.1");
});
