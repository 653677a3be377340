/**
 * Runs inside a network namespace with only `lo` (see chromium-peer.test.ts): starts the local platform
 * (scripts/start.mjs), serves a page that loads the SDK's browser build (packages/client/dist/browser/switchboard.js),
 * joins one meeting from headless Chromium and from `switchboard peer --json`, waits until both ends report the
 * connection, sends a line each way and prints one JSON line with what each end saw. PEER_RELAY=true makes both
 * ends relay-only (`iceTransportPolicy: "relay"` in the page, `--relay` on the command).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { chromiumLaunchOptions } from "@switchboard/test-support";
import { startLocalPlatform } from "../../../../test/deploy/lib/local-platform.js";
import { spawnPeer, type PeerEvent } from "../peer-process.js";

const RELAY = process.env.PEER_RELAY === "true";
const BUNDLE = fileURLToPath(new URL("../../../client/dist/browser/switchboard.js", import.meta.url));
const MEETING = `chromium-${RELAY ? "relay" : "direct"}-${process.pid}`;

interface PageEvent {
  event: string;
  peerId?: string;
  method?: string;
  data?: unknown;
  code?: string;
  message?: string;
}

async function main(): Promise<void> {
  const platform = await startLocalPlatform();
  const bundle = readFileSync(BUNDLE);
  const http = createServer((req, res) => {
    if (req.url === "/switchboard.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    } else if (req.url === "/") {
      res
        .writeHead(200, { "content-type": "text/html" })
        .end("<!doctype html><title>switchboard test</title>");
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const browser = await chromium.launch(chromiumLaunchOptions({ fakeMediaDevices: true }));
  const node = spawnPeer("node-peer", [
    "--json",
    "--meeting",
    MEETING,
    "--node-id",
    "node",
    "--signaling-url",
    platform.signalingUrl,
    ...(RELAY ? ["--relay"] : []),
  ]);
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["microphone", "camera"], { origin });
    const page = await context.newPage();
    page.on("console", (m) => process.stderr.write(`[page] ${m.text()}\n`));
    await page.goto(origin);
    await page.evaluate(
      async ({ signalingUrl, meetingCode, relay, bundleUrl }) => {
        // A granted microphone lets Chromium offer its loopback host candidates.
        const { mediaDevices } = (
          globalThis as unknown as {
            navigator: {
              mediaDevices: { getUserMedia(c: object): Promise<{ getTracks(): { stop(): void }[] }> };
            };
          }
        ).navigator;
        for (const t of (await mediaDevices.getUserMedia({ audio: true })).getTracks()) t.stop();
        const sdk = (await import(bundleUrl)) as {
          SwitchboardClient: new (o: object) => {
            on(e: string, f: (p: unknown) => void): void;
            initializeNode(): Promise<unknown>;
            discoverPeers(): Promise<unknown>;
            broadcast(d: string): Promise<void>;
          };
          CLIENT_EVENTS: readonly string[];
        };
        const events: unknown[] = [];
        const client = new sdk.SwitchboardClient({
          signalingUrl,
          meetingCode,
          name: "chromium",
          rtc: globalThis,
          iceTransportPolicy: relay ? "relay" : "all",
        });
        for (const name of sdk.CLIENT_EVENTS)
          client.on(name, (p) => {
            const o = (p ?? {}) as Record<string, unknown>;
            events.push({
              event: name,
              peerId: o.peerId,
              method: o.method,
              data: o.data,
              code: o.code,
              message: o.message,
            });
          });
        Object.assign(globalThis, { sbClient: client, sbEvents: events });
        await client.initializeNode();
        await client.discoverPeers();
      },
      {
        signalingUrl: platform.signalingUrl,
        meetingCode: MEETING,
        relay: RELAY,
        bundleUrl: `${origin}/switchboard.js`,
      },
    );
    const pageEvents = () =>
      page.evaluate(() => (globalThis as unknown as { sbEvents: PageEvent[] }).sbEvents);
    const waitPage = async (what: string, match: (e: PageEvent) => boolean): Promise<PageEvent> => {
      const deadline = Date.now() + 45_000;
      for (;;) {
        const found = (await pageEvents()).find(match);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `page: no ${what}; events: ${JSON.stringify(await pageEvents())}\nnode: ${node.stdout()}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const nodeConn = await node.waitFor(
      "connectionEstablished",
      (e: PeerEvent) => e.event === "connectionEstablished",
    );
    const pageConn = await waitPage("connectionEstablished", (e) => e.event === "connectionEstablished");
    await page.evaluate(() =>
      (globalThis as unknown as { sbClient: { broadcast(d: string): Promise<void> } }).sbClient.broadcast(
        "from chromium",
      ),
    );
    node.send("from node");
    const nodeGot = await node.waitFor(
      "the page's message",
      (e) => e.event === "message" && e.data === "from chromium",
    );
    const pageGot = await waitPage(
      "the node's message",
      (e) => e.event === "message" && e.data === "from node",
    );
    const result = {
      page: { method: pageConn.method, peerId: pageConn.peerId, got: pageGot.data },
      node: { method: nodeConn.method, peerId: nodeConn.peerId, got: nodeGot.data },
      nodeExit: await node.stop(),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await node.stop();
    await browser.close();
    http.close();
    await platform.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
