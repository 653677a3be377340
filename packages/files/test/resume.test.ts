import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, manifestFromBytes } from "../src/index.js";
import { NodeFileStore } from "../src/node.js";
import { connect, node, randomData, until } from "./helpers.js";

describe("resume from the .part file", () => {
  let dir = "";
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("a downloader stopped at ~50 % fetches less than 60 % the second time, and the file is byte-equal", async () => {
    dir = await mkdtemp(join(tmpdir(), "files-resume-"));
    const data = randomData(4_000_000);
    const m = await manifestFromBytes("r.bin", data);
    const seed = node("seed");
    seed.share.seed(m, new MemoryStore(m, data));

    const first = node("d");
    connect(first, seed, { bytesPerSecond: 8e6 });
    const s1 = first.share.download(m.root, (man) => NodeFileStore.open(dir, man));
    s1.events.on("error", () => undefined); // the stop below aborts it
    await until(
      () => s1.progress.get().piecesVerified >= m.pieceHashes.length / 2,
      20_000,
      "half the pieces",
    );
    await first.share.close();

    const second = node("d");
    connect(second, seed);
    const s2 = second.share.download(m.root, (man) => NodeFileStore.open(dir, man));
    const done = await s2.whenComplete();
    assert.ok(
      done.bytesReceived < 0.6 * data.length,
      `second run fetched ${done.bytesReceived} of ${data.length}`,
    );
    assert.ok(done.bytesReceived > 0);
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "r.bin"))), data);
    await second.share.close();
    await seed.share.close();
  });
});
