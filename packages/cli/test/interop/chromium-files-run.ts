/**
 * Runs inside a network namespace with only `lo` (see chromium-files.test.ts): starts the local platform, seeds a
 * random file with `switchboard share` (Node, node-datachannel), and downloads it in headless Chromium with the
 * browser builds of the SDK (packages/client/dist/browser/switchboard.js) and of @switchboard/files
 * (packages/files/dist/browser/switchboard-files.js), storing it through `openBrowserStore` — the Origin Private
 * File System. The page then reads the file back from OPFS by itself and hashes it. Then it flips a byte of piece
 * 1 in the saved file, writes a bitfield claiming every piece and downloads again with a new client: resume must
 * re-hash, drop piece 1 and fetch only it. One JSON line with what the page saw.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { chromium } from "playwright-core";
import type * as FilesModule from "@switchboard/files";
import type { ChannelClient, OpfsStore } from "@switchboard/files";
import { chromiumLaunchOptions } from "@switchboard/test-support";
import { startLocalPlatform } from "../../../../test/deploy/lib/local-platform.js";
import { switchboard } from "../files/procs.js";

const CLIENT_BUNDLE = fileURLToPath(new URL("../../../client/dist/browser/switchboard.js", import.meta.url));
const FILES_BUNDLE = fileURLToPath(
  new URL("../../../files/dist/browser/switchboard-files.js", import.meta.url),
);
const MEETING = `chromium-files-${process.pid}`;
const SIZE = 6 * 1024 * 1024 + 12_345;

export interface FilesPageResult {
  opfs: boolean;
  size: number;
  sha256: string;
  piecesVerified: number;
  pieceCount: number;
  bitsFileGone: boolean;
  storedName: string;
  /** The second download, over a .part with piece 1 tampered and a bitfield claiming every piece. */
  resume: { discarded: number[]; bytesReceived: number; pieceSize: number; sha256: string };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "chromium-files-"));
  const file = join(dir, "opfs-test.bin");
  const data = randomBytes(SIZE);
  writeFileSync(file, data);
  const expected = createHash("sha256").update(data).digest("hex");
  const platform = await startLocalPlatform();
  const bundles: Record<string, Buffer> = {
    "/switchboard.js": readFileSync(CLIENT_BUNDLE),
    "/switchboard-files.js": readFileSync(FILES_BUNDLE),
  };
  const http = createServer((req, res) => {
    const body = bundles[req.url ?? ""];
    if (body) res.writeHead(200, { "content-type": "text/javascript" }).end(body);
    else if (req.url === "/")
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>files test</title>");
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const seeder = switchboard(["share", file, "-m", MEETING, "-s", platform.signalingUrl, "--json"]);
  const browser = await chromium.launch(chromiumLaunchOptions({ fakeMediaDevices: true }));
  try {
    const shared = await seeder.waitFor((e) => e.event === "shared", "the seeder's link");
    const context = await browser.newContext();
    await context.grantPermissions(["microphone", "camera"], { origin });
    const page = await context.newPage();
    page.on("console", (m) => process.stderr.write(`[page] ${m.text()}\n`));
    await page.goto(origin);
    const seen = await page.evaluate(
      async ({ signalingUrl, meetingCode, root, clientUrl, filesUrl }) => {
        // A granted microphone lets Chromium offer its loopback host candidates.
        const nav = (
          globalThis as unknown as {
            navigator: {
              mediaDevices: { getUserMedia(c: object): Promise<{ getTracks(): { stop(): void }[] }> };
              storage: {
                getDirectory(): Promise<{
                  getFileHandle(n: string): Promise<{ getFile(): Promise<Blob> }>;
                }>;
              };
            };
          }
        ).navigator;
        for (const t of (await nav.mediaDevices.getUserMedia({ audio: true })).getTracks()) t.stop();
        const sdk = (await import(clientUrl)) as {
          SwitchboardClient: new (o: object) => {
            initializeNode(): Promise<unknown>;
            discoverPeers(): Promise<unknown>;
          };
        };
        const files = (await import(filesUrl)) as typeof FilesModule;
        const client = new sdk.SwitchboardClient({
          signalingUrl,
          meetingCode,
          name: "chromium",
          rtc: globalThis,
        });
        const share = new files.FileShare();
        files.attachToClient(share, client as unknown as ChannelClient);
        await client.initializeNode();
        await client.discoverPeers();
        const rootBytes = files.fromHex(root, 32);
        if (!rootBytes) throw new Error(`bad root ${root}`);
        const swarm = share.download(rootBytes, files.openBrowserStore);
        const done = await swarm.whenComplete();
        const opfs = swarm.store instanceof files.OpfsStore;
        // Read the saved file back from OPFS directly, not through the store.
        const storedName = `${done.name}.part`;
        const opfsDir = await nav.storage.getDirectory();
        const saved = await (await opfsDir.getFileHandle(storedName)).getFile();
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await saved.arrayBuffer()));
        let bitsFileGone = false;
        await opfsDir.getFileHandle(`${storedName}.bits`).catch(() => (bitsFileGone = true));
        await share.close();

        // Resume from a lying bitfield: every piece claimed, one byte of piece 1 flipped in the .part file. A new
        // client fetching the same root must re-hash, drop piece 1, fetch it again, and end byte-equal.
        type Writable = {
          write(c: { type: "write"; position: number; data: Uint8Array }): Promise<void>;
          close(): Promise<void>;
        };
        type Handle = {
          getFile(): Promise<Blob>;
          createWritable(o: { keepExistingData: boolean }): Promise<Writable>;
        };
        const dirRW = opfsDir as unknown as {
          getFileHandle(n: string, o?: { create?: boolean }): Promise<Handle>;
        };
        const pieceSize = swarm.manifest!.pieceSize;
        const partRW = await dirRW.getFileHandle(storedName);
        const at = pieceSize + 99;
        const old = new Uint8Array(await (await partRW.getFile()).slice(at, at + 1).arrayBuffer());
        const w = await partRW.createWritable({ keepExistingData: true });
        await w.write({ type: "write", position: at, data: Uint8Array.of(old[0] ^ 0xff) });
        await w.close();
        const all = files.Bitfield.full(done.pieceCount ?? 0).bytes;
        const bw = await (
          await dirRW.getFileHandle(`${storedName}.bits`, { create: true })
        ).createWritable({
          keepExistingData: false,
        });
        await bw.write({ type: "write", position: 0, data: new Uint8Array([...rootBytes, ...all]) });
        await bw.close();
        const client2 = new sdk.SwitchboardClient({
          signalingUrl,
          meetingCode,
          name: "chromium-2",
          rtc: globalThis,
        });
        const share2 = new files.FileShare();
        files.attachToClient(share2, client2 as unknown as ChannelClient);
        await client2.initializeNode();
        await client2.discoverPeers();
        const swarm2 = share2.download(rootBytes, files.openBrowserStore);
        const done2 = await swarm2.whenComplete();
        const resumed = await (await opfsDir.getFileHandle(storedName)).getFile();
        const digest2 = new Uint8Array(await crypto.subtle.digest("SHA-256", await resumed.arrayBuffer()));
        await share2.close();
        return {
          opfs,
          size: saved.size,
          sha256: files.toHex(digest),
          piecesVerified: done.piecesVerified,
          pieceCount: done.pieceCount ?? -1,
          bitsFileGone,
          storedName,
          resume: {
            discarded: [...(swarm2.store as OpfsStore).discarded],
            bytesReceived: done2.bytesReceived,
            pieceSize,
            sha256: files.toHex(digest2),
          },
        };
      },
      {
        signalingUrl: platform.signalingUrl,
        meetingCode: MEETING,
        root: shared.root as string,
        clientUrl: `${origin}/switchboard.js`,
        filesUrl: `${origin}/switchboard-files.js`,
      },
    );
    const result = { page: seen, expected: { size: SIZE, sha256: expected } };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await seeder.stop();
    await browser.close();
    http.close();
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
