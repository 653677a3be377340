// A peer whose first handshake was lost (sent before the other end's consumer had the channel, as a data channel's
// first frames could be) still gets the file: the bitfield it sends once the other side shares the file puts it
// in that file's swarm. Mirrors the web app's corrupting-seeder flow: the downloader waits, then a peer that joined
// with nothing shares the file.
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { MemoryStore, createChannelPair, manifestFromBytes, type FileShare } from "../src/index.js";
import { connect, node, randomData, until } from "./helpers.js";

const shares: FileShare[] = [];
afterAll(() => Promise.all(shares.map((s) => s.close())));
const track = <T extends { share: FileShare }>(n: T): T => (shares.push(n.share), n);

describe("a lost handshake", () => {
  it("the downloader's handshake never reached a peer that shares the file later: it still completes", async () => {
    const data = randomData(700_000);
    const m = await manifestFromBytes("late.bin", data);
    const d = track(node("d"));
    const s = track(node("s"));
    const p = track(node("p"));
    // p holds the manifest but no piece (like the liar once dropped): d learns the manifest from it and waits.
    p.share.seed(m, new MemoryStore(m));
    connect(d, p);
    let store: MemoryStore | null = null;
    const swarm = d.share.download(m.root, (man) => Promise.resolve((store = new MemoryStore(man))));
    await until(() => swarm.manifest !== null, 5000, "the manifest from p");
    const [ds, sd] = createChannelPair("d", "s");
    d.share.addChannel(ds); // d's handshake (naming the root) goes out now and finds no consumer at s's end
    await new Promise((r) => setTimeout(r, 50));
    s.share.addChannel(sd);
    await new Promise((r) => setTimeout(r, 50));
    s.share.seed(m, new MemoryStore(m, data)); // s announces the file; it never heard that d wants it
    await until(() => swarm.complete, 10_000, `completion: ${JSON.stringify(swarm.progress.get().peers)}`);
    assert.deepEqual((store as MemoryStore | null)?.bytes, data);
    const from = swarm.progress.get().peers.find((p) => p.peerId === "s");
    assert.ok(from && from.piecesHeld === from.piecesContributed, JSON.stringify(from));
  }, 30_000);
});
