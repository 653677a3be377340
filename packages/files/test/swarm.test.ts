import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { FileShare } from "../src/index.js";
import {
  MemoryStore,
  manifestFromBytes,
  createChannelPair,
  encodeFrame,
  decodeFrame,
  REJECT_REASON,
  CAPABILITY_BLOCKS,
  MAX_BLOCKS_PER_FRAME,
  type Frame,
  type PieceStore,
  type Manifest,
} from "../src/index.js";
import { connect, node, randomData, until } from "./helpers.js";

const shares: FileShare[] = [];
afterAll(() => Promise.all(shares.map((s) => s.close())));
const track = <T extends { share: FileShare }>(n: T): T => (shares.push(n.share), n);

/** A seeder's store that flips a byte in every block it reads from the chosen pieces. */
class CorruptingStore implements PieceStore {
  readonly inner: MemoryStore;
  readonly #bad: (piece: number) => boolean;
  readonly #pieceSize: number;
  constructor(m: Manifest, data: Uint8Array, bad: (piece: number) => boolean) {
    this.inner = new MemoryStore(m, data);
    this.#bad = bad;
    this.#pieceSize = m.pieceSize;
  }
  get verified() {
    return this.inner.verified;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = await this.inner.read(offset, length);
    if (this.#bad(Math.floor(offset / this.#pieceSize))) out[0] ^= 0xff;
    return out;
  }
  writePiece = (): Promise<void> => Promise.resolve();
  finish = (): Promise<void> => Promise.resolve();
  close = (): Promise<void> => Promise.resolve();
}

describe("swarm over in-memory channels", () => {
  it("downloads from two seeders at once, fetching the manifest by root; both serve; byte-equal", async () => {
    const data = randomData(3_000_000 + 123);
    const m = await manifestFromBytes("movie.bin", data);
    const s1 = track(node("s1"));
    const s2 = track(node("s2"));
    const d = track(node("d"));
    s1.share.seed(m, new MemoryStore(m, data));
    s2.share.seed(m, new MemoryStore(m, data));
    // Capped links, so neither seeder can take the whole file before the other starts.
    connect(d, s1, { bytesPerSecond: 4e6 });
    connect(d, s2, { bytesPerSecond: 4e6 });
    await until(() => d.share.catalogue.get().length === 1, 5000, "catalogue");
    const offered = d.share.catalogue.get()[0];
    assert.equal(offered.name, "movie.bin");
    assert.equal(offered.size, data.length);
    assert.deepEqual([...offered.peers].sort(), ["s1", "s2"]);

    let store: MemoryStore | null = null;
    const swarm = d.share.download(m.root, (man) => Promise.resolve((store = new MemoryStore(man))));
    const done = await swarm.whenComplete();
    assert.ok(store);
    assert.deepEqual((store as MemoryStore).bytes, data);
    assert.equal(done.complete, true);
    assert.equal(done.piecesVerified, m.pieceHashes.length);
    assert.equal(done.bytesVerified, data.length);
    const by = Object.fromEntries(done.peers.map((p) => [p.peerId, p]));
    assert.ok(by.s1.piecesContributed > 0 && by.s2.piecesContributed > 0, JSON.stringify(done.peers));
    assert.ok(by.s1.bytesReceived + by.s2.bytesReceived >= data.length);
    const up1 = s1.share.swarms[0].progress.get().bytesUploaded;
    const up2 = s2.share.swarms[0].progress.get().bytesUploaded;
    assert.ok(up1 > 0 && up2 > 0, `both seeders served: ${up1} ${up2}`);
  });

  it("sends several blocks a frame to a peer that reads them, one block a frame to a version-1 peer", async () => {
    const data = randomData(700_000);
    const m = await manifestFromBytes("batch.bin", data);
    const s = track(node("bs"));
    const d = track(node("bd"));
    s.share.seed(m, new MemoryStore(m, data));
    const [toSeed, fromSeed] = createChannelPair("bd", "bs");
    s.share.addChannel(fromSeed);
    d.share.addChannel(toSeed);
    const seen: Frame[] = [];
    const deliver = toSeed.onmessage!;
    toSeed.onmessage = (b) => {
      seen.push(decodeFrame(b as Uint8Array));
      deliver(b);
    };
    let store: MemoryStore | null = null;
    await d.share.download(m.root, (man) => Promise.resolve((store = new MemoryStore(man)))).whenComplete();
    assert.deepEqual((store as MemoryStore | null)?.bytes, data);
    const multi = seen.filter((f) => f.type === "blocks");
    assert.ok(multi.length > 0, "blocks frames were sent");
    assert.ok(multi.every((f) => f.type === "blocks" && f.blocks.length <= MAX_BLOCKS_PER_FRAME));
    const blocks = seen.reduce(
      (n, f) => n + (f.type === "block" ? 1 : f.type === "blocks" ? f.blocks.length : 0),
      0,
    );
    assert.equal(blocks, Math.ceil(data.length / 16384), "every block once (no loss, no repeats)");

    // A peer that does not list the capability (as version-1 peers do not) gets `block` frames only.
    const [v1, toV1] = createChannelPair("v1", "bs");
    const got: Frame[] = [];
    v1.onmessage = (b) => got.push(decodeFrame(b as Uint8Array));
    s.share.addChannel(toV1);
    await until(() => got.some((f) => f.type === "handshake"), 5000, "handshake");
    const hs = got.find((f) => f.type === "handshake");
    assert.ok(
      hs?.type === "handshake" && hs.roots.some((r) => r.every((x, i) => x === CAPABILITY_BLOCKS[i])),
    );
    await v1.send(encodeFrame({ type: "handshake", roots: [m.root] }));
    const blocksPerPiece = m.pieceSize / 16384;
    const spans = Array.from({ length: 8 }, (_, i) => ({
      piece: Math.floor(i / blocksPerPiece),
      offset: (i % blocksPerPiece) * 16384,
      length: 16384,
    }));
    await v1.send(encodeFrame({ type: "requests", root: m.root, spans }));
    await until(() => got.filter((f) => f.type === "block").length === 8, 5000, "eight blocks");
    assert.equal(got.filter((f) => f.type === "blocks").length, 0);
    v1.close();
  });

  it("a downloader seeds what it has to a third peer", async () => {
    const data = randomData(1_000_000);
    const m = await manifestFromBytes("relay.bin", data);
    const s = track(node("s"));
    const mid = track(node("mid"));
    const end = track(node("end"));
    s.share.seed(m, new MemoryStore(m, data));
    connect(mid, s);
    connect(end, mid); // end reaches the seeder only through mid
    const midSwarm = mid.share.download(m.root, (man) => Promise.resolve(new MemoryStore(man)));
    let endStore: MemoryStore | null = null;
    const endSwarm = end.share.download(m.root, (man) => Promise.resolve((endStore = new MemoryStore(man))));
    await Promise.all([midSwarm.whenComplete(), endSwarm.whenComplete()]);
    assert.deepEqual((endStore as MemoryStore | null)?.bytes, data);
    await until(() => midSwarm.progress.get().bytesUploaded >= data.length, 5000, "mid's upload counted");
  });

  it("detects a corrupting seeder's pieces, refetches them from the honest one, and drops the liar", async () => {
    const data = randomData(2_000_000);
    const m = await manifestFromBytes("x.bin", data);
    const honest = track(node("honest"));
    const liar = track(node("liar"));
    const d = track(node("d2"));
    honest.share.seed(m, new MemoryStore(m, data));
    liar.share.seed(m, new CorruptingStore(m, data, (p) => p % 2 === 0));
    connect(d, liar);
    connect(d, honest, { bytesPerSecond: 3e6 });
    const failed: number[] = [];
    const banned: string[] = [];
    let store: MemoryStore | null = null;
    const swarm = d.share.download(m.root, (man) => Promise.resolve((store = new MemoryStore(man))));
    swarm.events.on("piece-failed", (e) => failed.push(e.piece));
    swarm.events.on("peer-banned", (e) => banned.push(e.peerId));
    const done = await swarm.whenComplete();
    assert.deepEqual((store as MemoryStore | null)?.bytes, data);
    assert.ok(failed.length >= 2, `bad pieces detected: ${failed.length}`);
    assert.ok(
      failed.every((p) => p % 2 === 0),
      "only the corrupted pieces failed",
    );
    assert.deepEqual(banned, ["liar"]);
    assert.equal(done.badPieces, failed.length);
    const liarStats = done.peers.find((p) => p.peerId === "liar")!;
    assert.equal(liarStats.banned, true);
    assert.equal(done.peers.find((p) => p.peerId === "honest")!.badPieces, 0);
  });

  it("survives malformed frames and a request flood, and keeps serving an honest peer", async () => {
    const data = randomData(1_500_000);
    const m = await manifestFromBytes("y.bin", data);
    const s = track(node("seed", { maxQueuedRequests: 16 }));
    s.share.seed(m, new MemoryStore(m, data));
    const errors: string[] = [];
    s.share.events.on("peer-error", (e) => errors.push(`${e.peerId}:${e.error.code}`));

    // Raw peers speaking (and breaking) the wire protocol.
    const raw = (id: string) => {
      // The remote may send more than our maxMessageSize allows: the codec must bound it itself.
      const [toSeed, fromSeed] = createChannelPair(id, "seed", { maxMessageSize: 128 * 1024 });
      const got: Frame[] = [];
      let closed = false;
      toSeed.onmessage = (b) => got.push(decodeFrame(b as Uint8Array));
      toSeed.onclose = () => (closed = true);
      s.share.addChannel(fromSeed);
      return { ch: toSeed, got, closed: () => closed };
    };
    const malformed: Uint8Array[] = [
      Uint8Array.of(1), // truncated
      Uint8Array.of(1, 7, 0, 0), // request with wrong lengths
      Uint8Array.of(1, 200, 1, 2, 3), // unknown type
      Uint8Array.of(9, 1, 0, 0), // unknown version
      new Uint8Array(70_000).fill(1), // oversized
    ];
    const bad = malformed.map((b, i) => {
      const r = raw(`bad${i}`);
      void r.ch.send(b).catch(() => undefined);
      return r;
    });
    const text = raw("text");
    void text.ch.send("hello").catch(() => undefined);

    // A peer that asks for 10 000 blocks at once, and one that asks beyond the file.
    const flood = raw("flood");
    const beyond = raw("beyond");
    await until(() => flood.got.some((f) => f.type === "handshake"), 5000, "handshake");
    void flood.ch.send(encodeFrame({ type: "handshake", roots: [m.root] })).catch(() => undefined);
    const spans = m.pieceHashes.length * (m.pieceSize / 16384);
    for (let i = 0; i < 10_000; i++) {
      const piece = i % m.pieceHashes.length;
      const offset = (Math.floor(i / m.pieceHashes.length) % (m.pieceSize / 16384)) * 16384;
      void flood.ch
        .send(encodeFrame({ type: "request", root: m.root, piece, offset, length: 16384 }))
        .catch(() => undefined);
    }
    void beyond.ch
      .send(
        encodeFrame({
          type: "request",
          root: m.root,
          piece: m.pieceHashes.length + 5,
          offset: 0,
          length: 16384,
        }),
      )
      .catch(() => undefined);

    const d = track(node("honest-d"));
    connect(d, s);
    let store: MemoryStore | null = null;
    const swarm = d.share.download(m.root, (man) => Promise.resolve((store = new MemoryStore(man))));
    await swarm.whenComplete();
    assert.deepEqual((store as MemoryStore | null)?.bytes, data);

    await until(() => bad.every((b) => b.closed()) && text.closed(), 5000, "bad channels closed");
    assert.deepEqual(
      errors.map((e) => e.split(":")[1]).sort(),
      [
        "frame_malformed",
        "frame_malformed",
        "frame_malformed",
        "frame_oversized",
        "frame_unknown_type",
        "frame_version",
      ].sort(),
    );
    // Past the per-peer cap requests are refused; a duplicate of a queued request is merged into it. Either way
    // the flooder gets a bounded share: never much more than the distinct blocks it asked for.
    const rejects = () => flood.got.filter((f) => f.type === "reject");
    await until(() => rejects().length > 0, 20_000, "flood refused");
    // (the flood also asks beyond the short last piece: those are out of range)
    const reasons = new Set(rejects().map((f) => (f.type === "reject" ? f.reason : 0)));
    assert.deepEqual([...reasons].sort(), [REJECT_REASON.overloaded, REJECT_REASON.outOfRange].sort());
    const blocks = flood.got.filter((f) => f.type === "block").length;
    assert.ok(blocks <= 2 * spans, `flooder got ${blocks} blocks for ${spans} distinct spans`);
    assert.equal(flood.closed(), false, "a flood is refused, not fatal");
    await until(() => beyond.got.some((f) => f.type === "reject"), 5000, "out-of-range reject");
    assert.ok(beyond.got.some((f) => f.type === "reject" && f.reason === REJECT_REASON.outOfRange));
  });

  it("rejects a manifest request for an unknown file", async () => {
    const s = track(node("lonely"));
    const [mine, theirs] = createChannelPair("asker", "lonely");
    const got: Frame[] = [];
    mine.onmessage = (b) => got.push(decodeFrame(b as Uint8Array));
    s.share.addChannel(theirs);
    await mine.send(encodeFrame({ type: "manifest-request", root: new Uint8Array(32) }));
    await until(() => got.some((f) => f.type === "reject"), 5000, "reject");
    assert.ok(got.some((f) => f.type === "reject" && f.reason === REJECT_REASON.unknownFile));
  });
});
