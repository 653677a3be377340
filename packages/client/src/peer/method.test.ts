import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { detectMethod, pairFromTransport, parseCandidate, selectedPair } from "./method.js";

const stat = (o: Record<string, unknown>) => o as Record<string, unknown> & { id: string; type: string };

describe("method detection", () => {
  it("parses candidate lines", () => {
    assert.deepEqual(parseCandidate("candidate:1 1 UDP 2122317823 127.0.0.1 50000 typ host"), {
      address: "127.0.0.1",
      port: 50000,
      type: "host",
    });
    assert.equal(
      parseCandidate("a=candidate:2 1 UDP 16777215 127.0.0.1 41000 typ relay raddr 0.0.0.0 rport 0")?.type,
      "relay",
    );
    assert.equal(parseCandidate("garbage"), undefined);
  });

  it("finds the selected pair through the transport (browser) and converts seconds to ms", () => {
    const pair = selectedPair([
      stat({ id: "T", type: "transport", selectedCandidatePairId: "P" }),
      stat({
        id: "P",
        type: "candidate-pair",
        localCandidateId: "L",
        remoteCandidateId: "R",
        currentRoundTripTime: 0.012,
        responsesReceived: 3,
        bytesSent: 10,
        bytesReceived: 20,
      }),
      stat({ id: "L", type: "local-candidate", candidateType: "srflx", address: "198.51.100.1", port: 4000 }),
      stat({ id: "R", type: "remote-candidate", candidateType: "host" }),
    ]);
    assert.equal(pair?.localType, "srflx");
    assert.equal(pair?.rttMs, 12);
    assert.equal(detectMethod(pair, []), "srflx");
  });

  it("corrects node-datachannel's mislabelled relay pair from the gathered candidates", () => {
    const pair = selectedPair([
      stat({
        id: "P",
        type: "candidate-pair",
        nominated: true,
        state: "succeeded",
        localCandidateId: "L",
        remoteCandidateId: "R",
        currentRoundTripTime: 3,
      }),
      stat({ id: "L", type: "local-candidate", candidateType: "srflx", ip: "127.0.0.1", port: 41000 }),
      stat({ id: "R", type: "remote-candidate", candidateType: "prflx" }),
    ]);
    assert.equal(pair?.rttMs, 3);
    const gathered = [{ address: "127.0.0.1", port: 41000, type: "relay" as const }];
    assert.equal(detectMethod(pair, gathered), "relay");
    assert.equal(detectMethod(undefined, gathered), "relay");
    assert.equal(detectMethod(undefined, []), "host");
  });

  it("reads the selected pair an RTCIceTransport gives (browsers), without RTT", () => {
    const pair = pairFromTransport({
      local: { type: "relay", address: "127.0.0.1", port: 50000 },
      remote: { type: "host", address: "127.0.0.1", port: 40000 },
    });
    assert.deepEqual(pair, {
      localType: "relay",
      localAddress: "127.0.0.1",
      localPort: 50000,
      remoteType: "host",
      rttMs: undefined,
      bytesSent: 0,
      bytesReceived: 0,
    });
    assert.equal(detectMethod(pair, []), "relay");
    assert.equal(pairFromTransport(null), undefined);
    assert.equal(pairFromTransport({ local: null, remote: null }), undefined);
  });
});
