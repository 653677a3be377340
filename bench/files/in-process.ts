// bench/files/in-process.ts: the file-sharing JavaScript path alone: a seeding FileShare and a downloading one in
// one process over the in-memory channel pair (no SCTP, no DTLS, no signaling), Node file storage on both sides
// and node:crypto hashing as `switchboard share`/`get` use them. Prints CPU milliseconds per MiB (both sides; the
// pair's own copy of each message included) and MiB/s per round: a quiet, repeatable A/B of per-block costs.
// Run: npx turbo run build && node --import tsx bench/files/in-process.ts [MiB] [rounds]   (the built packages)
import { randomBytes } from "node:crypto";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FileShare,
  NodeFileSource,
  NodeFileStore,
  createChannelPair,
  manifestFromFile,
  nodeSha256,
} from "@switchboard/files/node";

const MiB = 2 ** 20;
const sizeMiB = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const dir = await mkdtemp(join(tmpdir(), "bench-files-inproc-"));
try {
  const file = join(dir, "bench.bin");
  const fh = await open(file, "w");
  for (let i = 0; i < sizeMiB; i++) await fh.write(randomBytes(MiB));
  await fh.close();
  const manifest = await manifestFromFile(file);
  const results: { cpuMsPerMiB: string; MiBps: string }[] = [];
  for (let round = 0; round < rounds; round++) {
    const seeder = new FileShare({});
    const getter = new FileShare({ hashPiece: nodeSha256 });
    seeder.seed(manifest, await NodeFileSource.open(file, manifest));
    const out = await mkdtemp(join(dir, "out-"));
    const swarm = getter.download(manifest.root, (m) => NodeFileStore.open(out, m));
    const [a, b] = createChannelPair("getter", "seeder", { maxMessageSize: 64 * 1024 });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    getter.addChannel(a);
    seeder.addChannel(b);
    await swarm.whenComplete();
    const cpu = process.cpuUsage(cpu0);
    const seconds = (performance.now() - t0) / 1000;
    results.push({
      cpuMsPerMiB: ((cpu.user + cpu.system) / 1000 / sizeMiB).toFixed(2),
      MiBps: (sizeMiB / seconds).toFixed(1),
    });
    await getter.close();
    await seeder.close();
    await rm(out, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ sizeMiB, rounds: results }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
