import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Value } from "@sinclair/typebox/value";
import { CLIENT_MESSAGE_SCHEMAS, ClientMessage } from "./client-messages.js";
import { PeerJoinedMessage, ServerMessage } from "./server-messages.js";
import { FEATURE_PEER_JOINED_OFFER, requestedFeatures, withFeatures } from "./features.js";
import type { ERROR_CODES } from "./error-codes.js";
import { ERROR_CODE_LIST, isRetryable } from "./error-codes.js";

describe("signaling schemas", () => {
  it("accepts well-formed client messages and rejects extra or wrong fields", () => {
    const good = [
      { v: 1, type: "hello" },
      { v: 1, type: "hello", id: "1", token: "a.b.c", resume: { sessionId: "s1", resumeToken: "r" } },
      {
        v: 1,
        type: "join",
        id: "2",
        roomId: "abc-123",
        name: "Ann",
        state: { audio: true, video: false, screen: false },
      },
      {
        v: 1,
        type: "signal",
        roomId: "abc",
        to: "p2",
        data: { kind: "offer", sdp: "v=0", iceRestart: true },
      },
      {
        v: 1,
        type: "signal",
        roomId: "abc",
        to: "p2",
        data: {
          kind: "answer",
          sdp: "v=0",
          signature: { alg: "ES256", publicKey: "k", signature: "s", nonce: "n0nce-0123456789ab" },
        },
      },
      { v: 1, type: "signal", roomId: "abc", to: "p2", data: { kind: "candidate", candidate: null } },
      { v: 1, type: "signal", roomId: "abc", to: "p2", data: { kind: "ice-restart" } },
      {
        v: 1,
        type: "join",
        roomId: "abc",
        offer: {
          kind: "offer",
          sdp: "v=0",
          signature: { alg: "ES256", publicKey: "k", signature: "s", nonce: "n0nce-0123456789ab" },
        },
      },
      { v: 1, type: "chat", roomId: "abc", text: "hi" },
      { v: 1, type: "update", roomId: "abc", state: { audio: false } },
      { v: 1, type: "mute.request", roomId: "abc", peerId: "p", kind: "audio" },
    ];
    for (const m of good) assert.ok(Value.Check(ClientMessage, m), JSON.stringify(m));
    const bad = [
      { v: 1, type: "join" },
      { v: 1, type: "join", roomId: "a b c" },
      { v: 1, type: "join", roomId: "abc", offer: { kind: "answer", sdp: "v=0" } },
      { v: 1, type: "join", roomId: "abc", offer: { kind: "offer", sdp: "" } },
      { v: 1, type: "join", roomId: "abc", offer: { kind: "offer", sdp: "v=0", to: "p2" } },
      { v: 1, type: "signal", roomId: "abc", to: "p2", from: "p1", data: { kind: "ice-restart" } },
      { v: 1, type: "signal", roomId: "abc", to: "p2", data: { kind: "offer" } },
      { v: 1, type: "chat", roomId: "abc", text: "" },
      { v: 1, type: "update", roomId: "abc", state: {} },
      { v: 2, type: "ping" },
      { v: 1, type: "nope" },
    ];
    for (const m of bad) assert.ok(!Value.Check(ClientMessage, m), JSON.stringify(m));
  });

  it("has a schema per client type", () => {
    assert.deepEqual(Object.keys(CLIENT_MESSAGE_SCHEMAS).sort(), [
      "bye",
      "chat",
      "hello",
      "join",
      "kick",
      "leave",
      "lobby.admit",
      "lobby.deny",
      "mute.request",
      "ping",
      "report",
      "room.end",
      "room.lock",
      "signal",
      "update",
    ]);
  });

  it("describes server messages and error codes", () => {
    assert.ok(
      Value.Check(ServerMessage, {
        v: 1,
        type: "error",
        code: "rate_limited",
        message: "slow down",
        retryable: true,
      }),
    );
    assert.ok(
      !Value.Check(ServerMessage, { v: 1, type: "error", code: "nope", message: "x", retryable: true }),
    );
    const joined = {
      v: 1,
      type: "joined",
      roomId: "abc",
      self: {
        peerId: "p1",
        name: "A",
        role: "guest",
        state: { audio: false, video: false, screen: false },
        joinedAt: 1,
      },
      peers: [],
      chat: [],
      settings: {
        maxParticipants: 10,
        requireApproval: false,
        allowedEmailDomains: [],
        locked: false,
        isChatEnabled: true,
        isScreenShareEnabled: true,
        isRecordingEnabled: false,
      },
    };
    assert.ok(Value.Check(ServerMessage, joined));
    assert.ok(Value.Check(ServerMessage, { ...joined, offeredTo: "p2" }));
    assert.ok(!Value.Check(ServerMessage, { ...joined, offeredTo: "p 2" }));
    assert.ok(isRetryable("unavailable"));
    assert.ok(!isRetryable("invalid_message"));
    for (const code of [
      "invalid_message",
      "payload_too_large",
      "rate_limited",
      "unauthorized",
      "forbidden",
    ]) {
      assert.ok(ERROR_CODE_LIST.includes(code as keyof typeof ERROR_CODES));
    }
  });

  it("lets peer.joined carry an offer, and only an offer", () => {
    const joined = {
      v: 1,
      type: "peer.joined",
      roomId: "abc",
      peer: {
        peerId: "p2",
        name: "B",
        role: "guest",
        state: { audio: false, video: false, screen: false },
        joinedAt: 2,
      },
    };
    const signature = { alg: "ES256", publicKey: "k", signature: "s", nonce: "n0nce-0123456789ab" };
    assert.ok(Value.Check(PeerJoinedMessage, joined));
    assert.ok(Value.Check(ServerMessage, { ...joined, offer: { kind: "offer", sdp: "v=0" } }));
    assert.ok(Value.Check(ServerMessage, { ...joined, offer: { kind: "offer", sdp: "v=0", signature } }));
    assert.ok(!Value.Check(ServerMessage, { ...joined, offer: { kind: "answer", sdp: "v=0" } }));
    assert.ok(!Value.Check(ServerMessage, { ...joined, offer: { kind: "offer", sdp: "" } }));
    assert.ok(!Value.Check(ServerMessage, { ...joined, signal: { kind: "offer", sdp: "v=0" } }));
  });

  it("asks for features on the WebSocket URL, readable back by the server", () => {
    const f = [FEATURE_PEER_JOINED_OFFER];
    assert.equal(withFeatures("ws://h:1/ws", f), "ws://h:1/ws?features=peer-joined-offer");
    assert.equal(withFeatures("ws://h/ws?token=x", f), "ws://h/ws?token=x&features=peer-joined-offer");
    assert.equal(withFeatures("ws://h/ws?", f), "ws://h/ws?features=peer-joined-offer");
    assert.equal(withFeatures("ws://h/ws#x", f), "ws://h/ws?features=peer-joined-offer#x");
    assert.equal(withFeatures("ws://h/ws", []), "ws://h/ws");
    for (const url of ["ws://h/ws?features=peer-joined-offer", "/ws?a=1&features=x,peer-joined-offer,"])
      assert.ok(requestedFeatures(url).has(FEATURE_PEER_JOINED_OFFER), url);
    assert.deepEqual([...requestedFeatures("/ws")], []);
    assert.deepEqual([...requestedFeatures("/ws?feature=peer-joined-offer")], []);
    assert.deepEqual([...requestedFeatures("/ws?features=")], []);
    assert.deepEqual([...requestedFeatures("/ws?features=a&features=b")].sort(), ["a", "b"]);
  });
});
