import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { hasTurn, withoutTurn } from "./ice-servers.js";

describe("ICE server lists", () => {
  it("withoutTurn keeps the STUN URLs only, without credentials, and drops servers left with none", () => {
    const servers: RTCIceServer[] = [
      {
        urls: ["stun:203.0.113.1:3478", "turn:203.0.113.1:3490?transport=udp"],
        username: "u",
        credential: "c",
      },
      { urls: "turns:turn.example.org:5349", username: "u", credential: "c" },
      { urls: "stun:stun.example.org" },
    ];
    assert.equal(hasTurn(servers), true);
    const direct = withoutTurn(servers);
    assert.deepEqual(direct, [{ urls: ["stun:203.0.113.1:3478"] }, { urls: ["stun:stun.example.org"] }]);
    assert.equal(hasTurn(direct), false);
    assert.deepEqual(withoutTurn([]), []);
  });
});
