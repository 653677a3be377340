// Test-only peers on the same wire code as `switchboard share`/`get`, run as their own processes:
//   rogue-peer.ts corrupt-seeder <signalingUrl> <meeting> <file>   seeds <file>, flipping a byte in every block of
//                                                                  pieces whose index is a multiple of 3
//   rogue-peer.ts malformed <signalingUrl> <meeting> <rootHex>     opens files channels to every peer and sends
//                                                                  malformed frames, a request beyond the file and
//                                                                  10 000 requests at once
// Each prints JSON lines ({"event": …}) on stdout. ROGUE_SIGNING=1 signs its offers and answers.
import { SwitchboardClient, nodeRtc, type PeerChannel } from "@switchboard/client/node";
import {
  FILES_CHANNEL_LABEL,
  FileShare,
  attachToClient,
  decodeFrame,
  encodeFrame,
  fromHex,
  type Frame,
  type PieceStore,
} from "@switchboard/files";
import { NodeFileSource, manifestFromFile } from "@switchboard/files/node";

const [mode, signalingUrl, meetingCode, arg] = process.argv.slice(2);
if (!mode || !signalingUrl || !meetingCode || !arg)
  throw new Error("usage: rogue-peer.ts MODE SIGNALING MEETING ARG");
const say = (event: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
};

// ROGUE_SIGNING=1: signed offers/answers, for peers that insist on them (the web app's session does).
const client = new SwitchboardClient({
  signalingUrl,
  meetingCode,
  name: `rogue-${mode}`,
  rtc: nodeRtc(),
  signing: { enabled: process.env.ROGUE_SIGNING === "1" },
});
process.on("SIGTERM", () => void client.disconnect().finally(() => process.exit(0)));

class Corrupting implements PieceStore {
  constructor(
    readonly inner: NodeFileSource,
    readonly pieceSize: number,
  ) {}
  get verified() {
    return this.inner.verified;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const data = await this.inner.read(offset, length);
    if (Math.floor(offset / this.pieceSize) % 3 === 0) data[0] = data[0] ^ 0xff;
    return data;
  }
  writePiece = (): Promise<void> => this.inner.writePiece();
  finish = (): Promise<void> => Promise.resolve();
  close = (): Promise<void> => this.inner.close();
}

async function corruptSeeder(file: string): Promise<void> {
  const manifest = await manifestFromFile(file);
  const share = new FileShare();
  share.seed(manifest, new Corrupting(await NodeFileSource.open(file, manifest), manifest.pieceSize));
  attachToClient(share, client);
  await client.initializeNode();
  await client.discoverPeers(meetingCode);
  say("ready", { peerId: client.peerId });
}

/** Opens a fresh files channel to `peerId`, sends `frames`, and reports whether the other side closed it. */
async function probe(peerId: string, frames: (Uint8Array | string)[], what: string): Promise<Frame[]> {
  const ch: PeerChannel = await client.openChannel(peerId, FILES_CHANNEL_LABEL);
  const got: Frame[] = [];
  let closed = false;
  ch.onmessage = (d) => {
    try {
      if (typeof d !== "string") got.push(decodeFrame(d));
    } catch {
      /* ignore */
    }
  };
  ch.onclose = () => (closed = true);
  for (const f of frames) await ch.send(f).catch(() => undefined);
  const end = Date.now() + 15_000;
  while (
    Date.now() < end &&
    !closed &&
    (what !== "flood" || got.filter((f) => f.type === "reject").length < 9000)
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  say("probe", {
    what,
    closed,
    rejects: got.filter((f) => f.type === "reject").length,
    blocks: got.filter((f) => f.type === "block").length,
  });
  if (what === "flood") ch.close();
  return got;
}

async function malformed(rootHex: string): Promise<void> {
  const root = fromHex(rootHex, 32);
  if (!root) throw new Error("bad root");
  await client.initializeNode();
  // Where the other side opens the files channel (its id sorts first), let it, so it cannot replace a probe later.
  const opened = new Set<string>();
  client.onChannel(FILES_CHANNEL_LABEL, (ch) => opened.add(ch.peerId));
  const seen = new Set<string>();
  client.on("connectionEstablished", ({ peerId }) => {
    if (seen.has(peerId)) return;
    seen.add(peerId);
    void (async () => {
      const end = Date.now() + 10_000;
      while ((client.peerId ?? "") > peerId && !opened.has(peerId) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const hs = encodeFrame({ type: "handshake", roots: [root] });
      await probe(peerId, [hs, Uint8Array.of(1)], "truncated");
      await probe(peerId, [hs, Uint8Array.of(1, 7, ...root, 0, 0)], "wrong-length");
      await probe(peerId, [hs, Uint8Array.of(1, 250, 0, 0, 0)], "unknown-type");
      await probe(peerId, [hs, Uint8Array.of(7, 1, 0)], "bad-version");
      await probe(peerId, [hs, "text on a binary channel"], "text");
      const flood = [hs, encodeFrame({ type: "request", root, piece: 200_000, offset: 0, length: 16384 })];
      for (let i = 0; i < 10_000; i++) {
        flood.push(
          encodeFrame({ type: "request", root, piece: i % 50, offset: (i % 8) * 16384, length: 16384 }),
        );
      }
      await probe(peerId, flood, "flood");
      say("done", { peerId });
    })();
  });
  await client.discoverPeers(meetingCode);
  say("ready", { peerId: client.peerId });
}

if (mode === "corrupt-seeder") await corruptSeeder(arg);
else if (mode === "malformed") await malformed(arg);
else throw new Error(`unknown mode ${mode}`);
