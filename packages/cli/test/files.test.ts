// `switchboard share` / `get` as separate processes against the local platform (scripts/start.mjs, from the build):
// two seeders → one downloader (both serve, byte-equal), a corrupting seeder detected and dropped, a killed download
// resumed from its .part file, the same through our TURN (--relay), malformed frames and a request flood against a
// seeder that keeps serving honest peers.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalPlatform, type LocalPlatform } from "../../../test/deploy/lib/local-platform.js";
import { rogue, switchboard, type JsonEvent, type Proc } from "./files/procs.js";

let platform: LocalPlatform | undefined;
let dir = "";
const procs: Proc[] = [];
const keep = (p: Proc): Proc => (procs.push(p), p);
let counter = 0;
const meeting = (what: string): string => `files-${what}-${process.pid}-${++counter}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sb-files-"));
  platform = await startLocalPlatform();
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await platform?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function makeFile(name: string, size: number): Promise<string> {
  const path = join(dir, name);
  const fh = await open(path, "w");
  for (let at = 0; at < size; at += 1 << 20) await fh.write(randomBytes(Math.min(1 << 20, size - at)));
  await fh.close();
  return path;
}

async function sha(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

const is = (name: string) => (e: JsonEvent) => e.event === name;
type PeerRow = {
  peerId: string;
  bytesReceived: number;
  piecesContributed: number;
  badPieces: number;
  banned: boolean;
};

async function shareFile(
  file: string,
  code: string,
  extra: string[] = [],
  hashTimeoutMs = 60_000,
): Promise<{ proc: Proc; link: string }> {
  const proc = keep(switchboard(["share", file, "--meeting", code, "-s", platform!.signalingUrl, ...extra]));
  const shared = await proc.waitFor(is("shared"), "shared", hashTimeoutMs);
  await proc.waitFor(is("seeding"), "seeding");
  return { proc, link: shared.link as string };
}

describe("switchboard share / get between processes", () => {
  it("200 MB from two seeders to one downloader: both serve, byte-equal", async () => {
    const size = 200 * 2 ** 20;
    const file = await makeFile("big.bin", size);
    const code = meeting("two");
    const [a, b] = await Promise.all([shareFile(file, code), shareFile(file, code)]);
    assert.equal(a.link, b.link, "same file, same link");
    const out = join(dir, "out-two");
    const get = keep(switchboard(["get", a.link, "--out", out]));
    assert.equal(await get.exited, 0, get.stderr());
    const done = get.events.find(is("complete"))!;
    const peers = done.peers as PeerRow[];
    assert.equal(peers.filter((p) => p.piecesContributed > 0).length, 2, JSON.stringify(peers));
    assert.equal(await sha(join(out, "big.bin")), await sha(file));
    assert.equal(done.piecesVerified, done.pieceCount);
  }, 170_000);

  it("a corrupting seeder: bad pieces detected and refetched from the honest one, the liar dropped", async () => {
    const file = await makeFile("c.bin", 24 * 2 ** 20);
    const code = meeting("liar");
    const liar = keep(rogue(["corrupt-seeder", platform!.signalingUrl, code, file]));
    const liarId = (await liar.waitFor(is("ready"), "liar ready")).peerId as string;
    const honest = await shareFile(file, code, ["--upload-limit", String(4 * 2 ** 20)]);
    const out = join(dir, "out-liar");
    const get = keep(switchboard(["get", honest.link, "--out", out]));
    assert.equal(await get.exited, 0, get.stderr());
    const failed = get.events.filter(is("pieceFailed"));
    assert.ok(failed.length >= 2, `bad pieces seen: ${failed.length}`);
    assert.ok(
      failed.every((e) => (e.piece as number) % 3 === 0),
      "only corrupted pieces failed",
    );
    const banned = get.events.filter(is("peerBanned"));
    assert.deepEqual(
      banned.map((e) => e.peerId),
      [liarId],
    );
    assert.equal(await sha(join(out, "c.bin")), await sha(file));
  }, 170_000);

  it("a download killed at ~50 % resumes from its .part file (second run < 60 % of the bytes)", async () => {
    const size = 48 * 2 ** 20;
    const file = await makeFile("r.bin", size);
    const code = meeting("resume");
    const seed = await shareFile(file, code, ["--upload-limit", String(12 * 2 ** 20)]);
    const out = join(dir, "out-resume");
    const first = keep(switchboard(["get", seed.link, "--out", out]));
    await first.waitFor(
      (e) => e.event === "progress" && (e.bytesVerified as number) >= size / 2,
      "half",
      90_000,
    );
    await first.stop("SIGKILL");
    const second = keep(switchboard(["get", seed.link, "--out", out]));
    assert.equal(await second.exited, 0, second.stderr());
    const done = second.events.find(is("complete"))!;
    assert.ok(
      (done.bytesReceived as number) < 0.6 * size,
      `second run fetched ${String(done.bytesReceived)} of ${size}`,
    );
    assert.equal(await sha(join(out, "r.bin")), await sha(file));
  }, 170_000);

  it("--relay: the same transfer through our TURN", async () => {
    const file = await makeFile("t.bin", 16 * 2 ** 20);
    const code = meeting("relay");
    const seed = await shareFile(file, code, ["--relay"]);
    const out = join(dir, "out-relay");
    const get = keep(switchboard(["get", seed.link, "--out", out, "--relay"]));
    assert.equal(await get.exited, 0, get.stderr());
    const conns = get.events.filter(is("connectionEstablished"));
    assert.ok(conns.length > 0 && conns.every((c) => c.method === "relay"), JSON.stringify(conns));
    assert.equal(await sha(join(out, "t.bin")), await sha(file));
  }, 170_000);

  it("malformed frames and 10 000 requests at once: the seeder stays up and serves an honest peer", async () => {
    const file = await makeFile("m.bin", 8 * 2 ** 20);
    const code = meeting("malformed");
    const seed = await shareFile(file, code);
    const root = seed.proc.events.find(is("shared"))!.root as string;
    const bad = keep(rogue(["malformed", platform!.signalingUrl, code, root]));
    await bad.waitFor(is("done"), "probes done", 90_000);
    const probes = bad.events.filter(is("probe"));
    for (const what of ["truncated", "wrong-length", "unknown-type", "bad-version", "text"]) {
      assert.equal(probes.find((p) => p.what === what)?.closed, true, `${what} closes that channel`);
    }
    const flood = probes.find((p) => p.what === "flood")!;
    assert.equal(flood.closed, false, "a flood is refused, not fatal");
    // Every request is answered, refused (over the per-peer cap, or beyond the file) or merged with a queued copy:
    // the flooder never gets more than the file's blocks twice over.
    assert.ok((flood.rejects as number) > 0, JSON.stringify(flood));
    assert.ok((flood.blocks as number) <= (2 * (8 * 2 ** 20)) / 16384, JSON.stringify(flood));
    const errors = () => seed.proc.events.filter(is("peerError")).length;
    await seed.proc.waitFor(() => errors() >= 5, "the seeder reports 5 protocol errors", 10_000);
    const out = join(dir, "out-malformed");
    const get = keep(switchboard(["get", seed.link, "--out", out]));
    assert.equal(await get.exited, 0, get.stderr());
    assert.equal(await sha(join(out, "m.bin")), await sha(file));
    assert.equal(seed.proc.child.exitCode, null, "the seeder is still running");
  }, 170_000);

  it("without a link: lists the meeting's files and fetches one by name", async () => {
    const file = await makeFile("browse.bin", 4 * 2 ** 20);
    const code = meeting("browse");
    const seed = await shareFile(file, code);
    const list = keep(switchboard(["get", "--meeting", code, "-s", platform!.signalingUrl, "--wait", "4"]));
    assert.equal(await list.exited, 0, list.stderr());
    const offered = list.events.filter(is("offered"));
    assert.equal(offered.length, 1, JSON.stringify(list.events));
    assert.equal(offered[0].name, "browse.bin");
    assert.equal(offered[0].link, seed.link);
    const out = join(dir, "out-browse");
    const get = keep(
      switchboard([
        "get",
        "--meeting",
        code,
        "-s",
        platform!.signalingUrl,
        "--name",
        "browse.bin",
        "--out",
        out,
      ]),
    );
    assert.equal(await get.exited, 0, get.stderr());
    assert.equal(await sha(join(out, "browse.bin")), await sha(file));
  }, 170_000);
});

describe("switchboard share / get, large", () => {
  // 4 GB takes minutes on this machine (hashing twice, moving it once): run with FILES_BIG=1.
  ((process.env.FILES_BIG === "1" ? false : "slow: set FILES_BIG=1") ? it.skip : it)(
    "a 4 GB sparse file: the downloader's RSS stays under 300 MB",
    async () => {
      const size = 4 * 2 ** 30;
      const file = join(dir, "sparse.bin");
      await writeFile(file, randomBytes(1 << 20));
      await truncate(file, size);
      const code = meeting("big");
      const seed = await shareFile(file, code, [], 600_000);
      const out = join(dir, "out-big");
      const get = keep(switchboard(["get", seed.link, "--out", out]));
      let maxRss = 0;
      const poll = setInterval(() => {
        readFile(`/proc/${get.child.pid}/status`, "utf8").then(
          (s) => (maxRss = Math.max(maxRss, Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) * 1024)),
          () => undefined,
        );
      }, 200);
      const exit = await get.exited;
      clearInterval(poll);
      assert.equal(exit, 0, get.stderr());
      assert.ok(maxRss > 0 && maxRss < 300 * 2 ** 20, `downloader RSS peaked at ${maxRss} bytes`);
      assert.equal(await sha(join(out, "sparse.bin")), await sha(file));
      console.log(`4 GB: downloader RSS peak ${(maxRss / 2 ** 20).toFixed(0)} MiB`);
    },
    900_000,
  );
});
