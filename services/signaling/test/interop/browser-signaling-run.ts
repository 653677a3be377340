/**
 * Runs inside a network namespace with only `lo` (see chromium-webrtc.test.ts): starts the signaling service,
 * opens two headless Chromium pages that join one meeting and negotiate a data channel through it (signed offer,
 * answer, trickled candidates), and prints one `RESULT {json}` line with what each side saw.
 */
import { fileURLToPath } from "node:url";
import { chromiumLaunchOptions } from "@switchboard/test-support";
import { chromium, type Page } from "playwright-core";
import { createMeeting, startServer } from "../helpers.js";

const PAGE_SCRIPT = fileURLToPath(new URL("./browser-peer.js", import.meta.url));

async function main(): Promise<void> {
  const srv = await startServer();
  const browser = await chromium.launch(chromiumLaunchOptions({ fakeMediaDevices: true }));
  try {
    const { roomId } = await createMeeting(srv.http, { title: "browser" });
    const context = await browser.newContext();
    // With media permission Chromium exposes plain host candidates (here: 127.0.0.1 only).
    await context.grantPermissions(["camera", "microphone"], { origin: srv.http });
    const pages: Page[] = [await context.newPage(), await context.newPage()];
    for (const p of pages) {
      // A page of the service's own origin: http://127.0.0.1 is a secure context (WebCrypto available).
      await p.goto(`${srv.http}/health`);
      await p.addScriptTag({ path: PAGE_SCRIPT });
    }
    const call = <T>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
      page.evaluate<T>(`window.sb.${fn}(${args.map((x) => JSON.stringify(x)).join(",")})`);
    const [a, b] = pages as [Page, Page];
    const ja = await call<{ self: string; peers: string[] }>(a, "join", srv.ws, roomId, "Alice");
    const jb = await call<{ self: string; peers: string[] }>(b, "join", srv.ws, roomId, "Bob");
    const caller = await call<{ got: string[]; pair: string }>(a, "call", jb.self);
    const callee = await call<{ verified: boolean; got: string[]; errors: unknown[] }>(b, "facts");
    process.stdout.write(`RESULT ${JSON.stringify({ a: ja.self, bPeers: jb.peers, caller, callee })}\n`);
  } finally {
    await browser.close();
    await srv.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
