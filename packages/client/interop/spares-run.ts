/**
 * Runs inside a network namespace with only `lo` (see spares.test.ts): the local platform (scripts/start.mjs) and
 * three headless Chromium pages with the SDK's browser build joining one meeting one after the other, as the web
 * app's Files view does: camera and microphone on before joining, signed offers, and on every connection an
 * extra "files" channel opened by the side whose peer id sorts first. `PREPARE=1` turns on prepared connections
 * (spares). Prints one JSON line (`RESULT {…}`): per page, the peers connected, the files channels open and the
 * messages that came through them.
 */
import { chromium, type Page } from "playwright-core";
import { chromiumLaunchOptions } from "@switchboard/test-support";
import { startLocalPlatform } from "../../../test/deploy/lib/local-platform.js";
import { servePage } from "./page-server.js";

const MEETING = `sdk-spares-${process.pid}`;
const PREPARE = process.env.PREPARE === "1";

interface Seen {
  id: string;
  connected: string[];
  channels: string[];
  got: string[];
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** After `window.t.join`: the files-like channel on every connection (attachToClient's rule) and a hello on it. */
const ATTACH = `(() => {
  const c = window.t.client;
  window.files = { channels: [], got: [] };
  const add = (ch) => {
    window.files.channels.push(ch.peerId);
    ch.onmessage = (d) => window.files.got.push(ch.peerId + ":" + d);
    void ch.send("hello from " + c.peerId);
  };
  c.onChannel("files", add);
  const open = (peerId) => {
    if (c.peerId > peerId) return;
    c.openChannel(peerId, "files").then(add, (e) => window.t.log.push("openChannel failed " + e));
  };
  c.on("connectionEstablished", ({ peerId }) => open(peerId));
})()`;

async function main(): Promise<void> {
  const platform = await startLocalPlatform();
  const pageServer = await servePage();
  const origin = pageServer.origin;
  const browser = await chromium.launch(chromiumLaunchOptions({ fakeMediaDevices: true }));
  const pages: Page[] = [];
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["microphone", "camera"], { origin });
    if (process.env.DEBUG_RUN)
      await context.addInitScript(`(() => {
        const log = (m) => (window.__dc = window.__dc || []).push(Date.now() % 100000 + " " + m);
        const watch = (dc, how) => {
          log(how + " " + dc.label + " id=" + dc.id + " " + dc.readyState);
          dc.addEventListener("open", () => log("open " + dc.label + " id=" + dc.id));
          dc.addEventListener("close", () => log("close " + dc.label + " id=" + dc.id));
          dc.addEventListener("message", (e) => log("msg " + dc.label + " id=" + dc.id + " " + String(e.data).slice(0, 30)));
        };
        const create = RTCPeerConnection.prototype.createDataChannel;
        RTCPeerConnection.prototype.createDataChannel = function (...a) {
          const dc = create.apply(this, a);
          watch(dc, "create");
          if (!this.__w) { this.__w = 1; this.addEventListener("datachannel", (e) => watch(e.channel, "remote")); }
          return dc;
        };
      })()`);
    for (let i = 0; i < 3; i++) {
      const p = await context.newPage();
      p.on("console", (m) => process.stderr.write(`[page${i}] ${m.text()}\n`));
      await p.goto(origin);
      await p.waitForFunction(() => "sb" in globalThis && "t" in globalThis);
      pages.push(p);
    }
    const ids: string[] = [];
    for (const [i, p] of pages.entries()) {
      const opts = {
        signalingUrl: platform.signalingUrl,
        meetingCode: MEETING,
        name: `p${i}`,
        signing: { enabled: true },
        prepareConnections: PREPARE,
      };
      // Media first, as the web app does; then join and attach the files-like channel.
      ids.push(
        await p.evaluate<string>(`(async () => {
          const o = ${JSON.stringify(opts)};
          const client = new window.sb.SwitchboardClient({ ...o, rtc: globalThis });
          await client.media.start({ audio: true, video: true });
          const join = window.t.join;
          window.t.join = async () => {
            window.t.client = client;
            for (const name of window.sb.CLIENT_EVENTS)
              client.on(name, (e) => window.t.events.push({ event: name, peerId: e?.peerId, code: e?.code }));
            await client.initializeNode();
            ${ATTACH};
            await client.discoverPeers();
            return client.peerId;
          };
          try { return await window.t.join(); } finally { window.t.join = join; }
        })()`),
      );
    }
    const seen = async (p: Page, i: number): Promise<Seen> => ({
      id: ids[i] ?? "",
      connected: (await p.evaluate<{ event: string; peerId?: string }[]>("window.t.events"))
        .filter((e) => e.event === "connectionEstablished")
        .map((e) => e.peerId ?? ""),
      ...(await p.evaluate<{ channels: string[]; got: string[] }>("({ ...window.files })")),
    });
    const all = () => Promise.all(pages.map(seen));
    const result = await until(
      "every page: two connections, two files channels, a hello on each",
      async () => {
        const s = await all();
        return s.every((x) => x.connected.length >= 2 && x.channels.length >= 2 && x.got.length >= 2)
          ? s
          : undefined;
      },
    ).catch(async (err: unknown) => ({ error: String(err), seen: await all() }));
    process.stdout.write(`RESULT ${JSON.stringify({ prepare: PREPARE, ids, result })}\n`);
  } finally {
    if (process.env.DEBUG_RUN)
      for (const [i, p] of pages.entries())
        process.stderr.write(
          `page${i}: ${(await p.evaluate<string[]>("[...window.t.log, ...(window.__dc || [])]")).join("\n  ")}\n`,
        );
    await browser.close();
    pageServer.close();
    await platform.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
