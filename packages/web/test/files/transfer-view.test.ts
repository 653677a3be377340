import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { FileProgress, PeerProgress } from "@switchboard/files";
import { emptyLog, logPeerBanned, logPieceFailed, logPieceVerified } from "../../src/lib/files/transfer-log";
import { transferView } from "../../src/lib/files/transfer-view";

const MiB = 2 ** 20;

function peer(over: Partial<PeerProgress> & { peerId: string }): PeerProgress {
  return {
    bytesReceived: 0,
    bytesSent: 0,
    piecesContributed: 0,
    downloadRate: 0,
    uploadRate: 0,
    inFlight: 0,
    badPieces: 0,
    banned: false,
    piecesHeld: null,
    ...over,
  };
}

function progress(over: Partial<FileProgress> = {}): FileProgress {
  return {
    root: "ab".repeat(32),
    name: "movie.mp4",
    size: 50 * MiB,
    pieceCount: 800,
    state: "downloading",
    complete: false,
    piecesVerified: 200,
    bytesVerified: 12.5 * MiB,
    badPieces: 0,
    bytesReceived: 13 * MiB,
    bytesUploaded: 0,
    downloadRate: 5 * MiB,
    uploadRate: 0,
    etaSeconds: 8,
    peers: [],
    ...over,
  };
}

const names: Record<string, string> = { a: "Ada", b: "Bo" };
const nameOf = (id: string): string => names[id] ?? `peer ${id}`;

describe("files/transfer-view", () => {
  it("a download from two sources: amount, speed, ETA, who holds what and who gave what", () => {
    const v = transferView(
      progress({
        peers: [
          peer({
            peerId: "a",
            piecesHeld: 800,
            piecesContributed: 120,
            bytesReceived: 8 * MiB,
            downloadRate: MiB,
          }),
          peer({ peerId: "b", piecesHeld: 300, piecesContributed: 80, bytesReceived: 5 * MiB, inFlight: 4 }),
        ],
      }),
      "downloading",
      emptyLog(),
      nameOf,
    );
    assert.equal(v.percent, 25);
    assert.equal(v.amount, "12.5 MiB of 50.0 MiB");
    assert.equal(v.rate, "5.00 MiB/s");
    assert.equal(v.eta, "8 s");
    assert.equal(v.activeSources, 2);
    assert.deepEqual(
      v.sources.map((s) => [s.name, s.holds, s.holdsAll, s.piecesGiven, s.status]),
      [
        ["Ada", "all 800 pieces", true, 120, "sending"],
        ["Bo", "300 of 800 pieces", false, 80, "sending"],
      ],
    );
    assert.equal(v.verification.text, "200 of 800 pieces verified (SHA-256)");
    assert.equal(v.badNotice, null);
  });

  it("a bad piece: detected, refetching, then refetched and the liar dropped", () => {
    let log = logPieceFailed(emptyLog(), 3, ["x"]);
    const during = transferView(
      progress({ badPieces: 1, peers: [peer({ peerId: "x", badPieces: 1 })] }),
      "downloading",
      log,
      nameOf,
    );
    assert.equal(during.verification.tone, "warn");
    assert.match(during.verification.text, /refetching bad pieces/);
    assert.equal(
      during.badNotice,
      "1 bad piece detected (hash mismatch) from peer x; 0 refetched and verified",
    );

    log = logPieceFailed(log, 6, ["x"]);
    log = logPeerBanned(logPeerBanned(log, "x"), "x");
    log = logPieceVerified(logPieceVerified(log, 3), 4);
    log = logPieceVerified(log, 6);
    assert.equal(log.refetched.size, 2, "only failed pieces count as refetched");
    const done = transferView(
      progress({
        complete: true,
        state: "seeding",
        piecesVerified: 800,
        bytesVerified: 50 * MiB,
        etaSeconds: null,
        peers: [peer({ peerId: "x", badPieces: 2, banned: true })],
      }),
      "downloading",
      log,
      nameOf,
    );
    assert.equal(done.percent, 100);
    assert.equal(done.eta, "—");
    assert.equal(done.verification.tone, "ok");
    assert.equal(
      done.verification.text,
      "verified: all 800 pieces match their SHA-256; 2 bad pieces replaced",
    );
    assert.equal(
      done.badNotice,
      "2 bad pieces detected (hash mismatch) from peer x; 2 refetched and verified; dropped peer x",
    );
    assert.equal(done.sources[0]?.status, "dropped: sent bad data");
  });

  it("a piece that fails again after a refetch is refetching again", () => {
    let log = logPieceVerified(logPieceFailed(emptyLog(), 1, ["a"]), 1);
    log = logPieceFailed(log, 1, ["b"]);
    assert.equal(log.refetched.size, 0);
    assert.deepEqual(log.failed.get(1), ["a", "b"]);
  });

  it("before the manifest: no name or size yet, asking peers", () => {
    const v = transferView(
      progress({ name: null, size: null, pieceCount: null, state: "fetching-manifest", piecesVerified: 0 }),
      "downloading",
      emptyLog(),
      nameOf,
    );
    assert.equal(v.name, "(name not known yet)");
    assert.equal(v.size, "size not known yet");
    assert.equal(v.percent, 0);
    assert.equal(v.verification.text, "asking peers for the file's manifest");
    assert.equal(v.sources.length, 0);
  });

  it("a shared file: whole, upload speed, peers receiving", () => {
    const v = transferView(
      progress({
        state: "seeding",
        complete: true,
        uploadRate: 2 * MiB,
        peers: [peer({ peerId: "b", piecesHeld: 10, uploadRate: MiB, bytesSent: 3 * MiB })],
      }),
      "sharing",
      emptyLog(),
      nameOf,
    );
    assert.equal(v.percent, 100);
    assert.equal(v.rate, "2.00 MiB/s");
    assert.equal(v.eta, "—");
    assert.equal(v.verification.text, "hashed here: 800 pieces (SHA-256)");
    assert.deepEqual(
      v.sources.map((s) => [s.holds, s.sent, s.status]),
      [["10 of 800 pieces", "3.00 MiB", "receiving"]],
    );
  });
});
