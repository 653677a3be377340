import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { turnPassword } from "@switchboard/turn-credentials";
import { buildIceServers } from "./ice-servers.js";

describe("buildIceServers", () => {
  it("gives STUN as is and TURN with REST credentials", () => {
    const now = 1_700_000_000_000;
    const servers = buildIceServers(
      {
        stunUrls: ["stun:s:3478"],
        turnUrls: ["turn:t:3478", "turns:t:5349"],
        turnSecrets: ["k"],
        ttlSeconds: 600,
      },
      now,
      "user:1",
    );
    assert.deepEqual(servers[0], { urls: ["stun:s:3478"] });
    assert.equal(servers[1]?.username, `${now / 1000 + 600}:user%3A1`);
    assert.equal(servers[1]?.credential, turnPassword("k", servers[1]?.username ?? ""));
  });
  it("signs with the first of several secrets (rotation: new first, old still accepted by TURN)", () => {
    const [, turn] = buildIceServers(
      { stunUrls: ["stun:s"], turnUrls: ["turn:t"], turnSecrets: ["new", "old"], ttlSeconds: 600 },
      0,
    );
    assert.equal(turn?.credential, turnPassword("new", turn?.username ?? ""));
    assert.notEqual(turn?.credential, turnPassword("old", turn?.username ?? ""));
  });
  it("encodes user parts without collisions (a colon and its escape differ)", () => {
    const opts = { stunUrls: [], turnUrls: ["turn:t"], turnSecrets: ["k"], ttlSeconds: 60 };
    const names = ["a:b", "a_b", "a%3Ab", "a%b"].map((u) => buildIceServers(opts, 0, u)[0]?.username);
    assert.equal(new Set(names).size, 4);
    assert.ok(names.every((n) => n?.split(":").length === 2));
  });
  it("gives nothing when nothing is configured", () => {
    assert.deepEqual(buildIceServers({ stunUrls: [], turnUrls: [], turnSecrets: [], ttlSeconds: 60 }, 0), []);
    assert.deepEqual(
      buildIceServers({ stunUrls: [], turnUrls: ["turn:t"], turnSecrets: [], ttlSeconds: 60 }, 0),
      [],
    );
  });
});
