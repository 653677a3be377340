/**
 * Runs inside a network namespace with only `lo` (see direct-first.test.ts): the local platform (scripts/start.mjs,
 * which offers TURN) and three headless Chromium pages with the SDK's browser build in one meeting, twice: with the
 * default `directFirstMs`, and with `directFirstMs: 1`, so that every link's impolite side switches to a connection
 * with TURN while its first, direct-only one is still being negotiated (what a slow machine does with the default).
 * For each round: the connections every page made (peer, method, setup time), the offers marked `iceRestart`
 * (the switches), and the messages every page got from the others. Prints one `RESULT {…}` line.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumLaunchOptions } from "@switchboard/test-support";
import { startLocalPlatform } from "../../../test/deploy/lib/local-platform.js";
import { servePage } from "./page-server.js";

interface Ev {
  event: string;
  peerId?: string;
  method?: string;
  data?: string;
}

export interface Round {
  directFirstMs: number | undefined;
  /** Per page: the peers it connected to, with the method. */
  connected: { peerId: string; method: string }[][];
  /** Per page: the messages it got from the others. */
  messages: string[][];
  restartOffers: number;
  connectionClosed: number;
  ms: number;
}

const events = (p: Page) => p.evaluate<Ev[]>("window.t.events");

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function round(browser: Browser, origin: string, signalingUrl: string, directFirstMs?: number) {
  const context = await browser.newContext();
  try {
    const pages: Page[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await context.newPage();
      p.on("console", (m) => process.stderr.write(`[page ${i}] ${m.text()}\n`));
      await p.goto(origin);
      await p.waitForFunction(() => "sb" in globalThis && "t" in globalThis);
      pages.push(p);
    }
    const meetingCode = `direct-first-${process.pid}-${directFirstMs ?? "default"}`;
    const started = Date.now();
    const ids: string[] = [];
    for (const [i, p] of pages.entries()) {
      const opts = {
        signalingUrl,
        meetingCode,
        name: `p${i}`,
        ...(directFirstMs !== undefined && { directFirstMs }),
      };
      ids.push(await p.evaluate<string>(`window.t.join(${JSON.stringify(opts)})`));
    }
    const connected = await Promise.all(
      pages.map((p, i) =>
        until(`page ${i} connected to both others`, async () => {
          const est = (await events(p)).filter((e) => e.event === "connectionEstablished");
          const peers = new Map(est.map((e) => [e.peerId ?? "", e.method ?? ""]));
          return peers.size >= 2 ? [...peers].map(([peerId, method]) => ({ peerId, method })) : undefined;
        }),
      ),
    );
    const ms = Date.now() - started;
    for (const [i, p] of pages.entries()) await p.evaluate(`window.t.client.broadcast("from-${ids[i]}")`);
    const messages = await Promise.all(
      pages.map((p, i) =>
        until(`page ${i} got both others' messages`, async () => {
          const got = (await events(p)).filter((e) => e.event === "message").map((e) => e.data ?? "");
          return got.length >= 2 ? got : undefined;
        }),
      ),
    );
    let restartOffers = 0;
    let connectionClosed = 0;
    for (const p of pages) {
      restartOffers += await p.evaluate<number>("window.t.sent.restarts");
      connectionClosed += (await events(p)).filter((e) => e.event === "connectionClosed").length;
    }
    const named = connected.map((list) => list.map((c) => ({ ...c, peerId: `p${ids.indexOf(c.peerId)}` })));
    const msgs = messages.map((list) => list.map((m) => `p${ids.indexOf(m.slice("from-".length))}`).sort());
    return { directFirstMs, connected: named, messages: msgs, restartOffers, connectionClosed, ms };
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const platform = await startLocalPlatform();
  const pageServer = await servePage();
  const origin = pageServer.origin;
  const browser = await chromium.launch(chromiumLaunchOptions({}));
  try {
    const rounds: Round[] = [];
    for (const ms of [undefined, 1]) rounds.push(await round(browser, origin, platform.signalingUrl, ms));
    process.stdout.write(`RESULT ${JSON.stringify({ rounds })}\n`);
  } finally {
    await browser.close();
    pageServer.close();
    await platform.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
