/**
 * Runs inside a network namespace with only `lo` (see browser.test.ts): the local platform (scripts/start.mjs) and
 * two headless Chromium pages with the SDK's browser build in one meeting, relay-only through our TURN (so the
 * path is known: one relayed port per side). In order:
 *  1. media: A starts its fake camera and microphone; B gets both tracks and A's state through `update`;
 *  2. mute: A mutes its microphone; B sees `audio: false`;
 *  3. device switch: A switches to the second fake camera: its sender carries the new track, no new offer;
 *  4. screen share: A shares its (fake) screen; B gets a third track and `screen: true`;
 *  5. ICE restart: every relayed port of both sides is blocked (iptables); the link goes down, the SDK restarts
 *     ICE (an offer with `iceRestart`), new relayed ports carry it, and a message sent after arrives.
 * Prints one JSON line (`RESULT {…}`) with what each step saw.
 */
import { execFileSync } from "node:child_process";
import { chromium, type Page } from "playwright-core";
import { chromiumLaunchOptions } from "@switchboard/test-support";
import { startLocalPlatform } from "../../../test/deploy/lib/local-platform.js";
import { servePage } from "./page-server.js";

const MEETING = `sdk-browser-${process.pid}`;

interface Ev {
  event: string;
  peerId?: string;
  method?: string;
  data?: string;
  kind?: string;
  state?: { audio?: boolean; video?: boolean; screen?: boolean };
}
interface Pair {
  ice: string;
  local?: { type: string; port: number };
  relayPorts: number[];
  senders: (string | null)[];
}

const events = (p: Page) => p.evaluate<Ev[]>("window.t.events");
const pairs = (p: Page) => p.evaluate<Pair[]>("window.t.pairs()");
const sent = (p: Page) => p.evaluate<{ offers: number; restarts: number }>("({ ...window.t.sent })");

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const waitEvent = (p: Page, what: string, match: (e: Ev) => boolean) =>
  until(what, async () => (await events(p)).find(match));

function iptables(action: "-I" | "-D", port: number): void {
  for (const dir of ["--dport", "--sport"])
    execFileSync("iptables", [action, "INPUT", "-p", "udp", dir, String(port), "-j", "DROP"]);
}

async function main(): Promise<void> {
  const platform = await startLocalPlatform();
  const pageServer = await servePage();
  const origin = pageServer.origin;
  const launch = chromiumLaunchOptions({ fakeMediaDevices: true });
  const browser = await chromium.launch({
    ...launch,
    args: [
      ...launch.args.filter((a) => a !== "--use-fake-device-for-media-stream"),
      "--use-fake-device-for-media-stream=device-count=2",
      "--auto-select-desktop-capture-source=Entire screen",
    ],
  });
  const blocked: number[] = [];
  const pagesForLog: Record<string, Page> = {};
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["microphone", "camera"], { origin });
    const [a, b] = [await context.newPage(), await context.newPage()];
    Object.assign(pagesForLog, { a, b });
    for (const p of [a, b]) {
      p.on("console", (m) => process.stderr.write(`[page] ${m.text()}\n`));
      await p.goto(origin);
      await p.waitForFunction(() => "sb" in globalThis && "t" in globalThis);
    }
    const opts = { signalingUrl: platform.signalingUrl, meetingCode: MEETING, iceTransportPolicy: "relay" };
    const idA = await a.evaluate<string>(`window.t.join(${JSON.stringify({ ...opts, name: "a" })})`);
    const idB = await b.evaluate<string>(`window.t.join(${JSON.stringify({ ...opts, name: "b" })})`);
    const connA = await waitEvent(a, "A connected", (e) => e.event === "connectionEstablished");
    const connB = await waitEvent(b, "B connected", (e) => e.event === "connectionEstablished");

    // 1. media
    await a.evaluate("window.t.client.media.start({ audio: true, video: true }).then(() => undefined)");
    const trackKinds = await until("B gets A's audio and video", async () => {
      const kinds = (await events(b)).filter((e) => e.event === "track").map((e) => e.kind ?? "");
      return kinds.includes("audio") && kinds.includes("video") ? kinds.sort() : undefined;
    });
    const stateOn = await waitEvent(
      b,
      "B sees A's media on",
      (e) => e.event === "peerUpdated" && e.peerId === idA && !!e.state?.audio && !!e.state.video,
    );

    // 2. mute
    await a.evaluate('window.t.client.media.setMuted("audio", true)');
    const muted = await waitEvent(
      b,
      "B sees A muted",
      (e) => e.event === "peerUpdated" && e.peerId === idA && e.state?.audio === false && !!e.state.video,
    );

    // 3. device switch with replaceTrack (no new offer)
    await until("A's tracks are on its connection", async () =>
      (await pairs(a)).some((p) => p.senders.filter(Boolean).length >= 2) ? true : undefined,
    );
    const offersBefore = (await sent(a)).offers + (await sent(b)).offers;
    const switched = await a.evaluate<{ before: string; after: string; devices: number }>(`(async () => {
      const media = window.t.client.media;
      const before = media.state.stream.getVideoTracks()[0];
      const cams = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
      const other = cams.find((d) => d.deviceId !== before.getSettings().deviceId);
      await media.switchDevice("video", other.deviceId);
      return { before: before.id, after: media.state.stream.getVideoTracks()[0].id, devices: cams.length };
    })()`);
    await new Promise((r) => setTimeout(r, 1000)); // an offer, if one were made, would be out by now
    const senderTracks = (await pairs(a)).flatMap((p) => p.senders);
    const offersAfter = (await sent(a)).offers + (await sent(b)).offers;

    // 4. screen share
    const tracksBefore = (await events(b)).filter((e) => e.event === "track").length;
    await a.evaluate("window.t.client.media.startScreenShare().then(() => undefined)");
    const screenState = await waitEvent(
      b,
      "B sees A's screen share",
      (e) => e.event === "peerUpdated" && e.peerId === idA && e.state?.screen === true,
    );
    const screenTrack = await until("B gets the screen track", async () => {
      const tracks = (await events(b)).filter((e) => e.event === "track");
      return tracks.length > tracksBefore ? tracks[tracks.length - 1] : undefined;
    });

    // 5. ICE restart: block both relayed ports, wait for a restart to a new pair, send again.
    await a.evaluate('window.t.client.broadcast("before")');
    await waitEvent(b, "B gets 'before'", (e) => e.event === "message" && e.data === "before");
    const [pa] = await pairs(a);
    const [pb] = await pairs(b);
    if (!pa?.local || !pb?.local) throw new Error("no selected pair before the break");
    // Every relayed port either side holds (UDP and TCP allocations): no old pair can carry the link.
    for (const port of new Set([...pa.relayPorts, ...pb.relayPorts])) {
      iptables("-I", port);
      blocked.push(port);
    }
    // Recovered when an offer with `iceRestart` went out and messages cross both ways again after it.
    const restartOffers = await until(
      "an offer with iceRestart",
      async () => {
        const r = (await sent(a)).restarts + (await sent(b)).restarts;
        return r > 0 ? r : undefined;
      },
      60_000,
    );
    let n = 0;
    const after = await until(
      "messages both ways after the restart",
      async () => {
        n++;
        await a.evaluate(`window.t.client.broadcast("a-after-${n}").catch(() => undefined)`);
        await b.evaluate(`window.t.client.broadcast("b-after-${n}").catch(() => undefined)`);
        await new Promise((r) => setTimeout(r, 500));
        const atB = (await events(b)).find((e) => e.event === "message" && e.data?.startsWith("a-after-"));
        const atA = (await events(a)).find((e) => e.event === "message" && e.data?.startsWith("b-after-"));
        return atA && atB ? { atA: atA.data, atB: atB.data } : undefined;
      },
      90_000,
    );
    const [na] = await pairs(a);
    const [nb] = await pairs(b);
    if (process.env.DEBUG_RUN) process.stderr.write(`${JSON.stringify({ na, nb })}\n`);
    const closed = (await events(a)).concat(await events(b)).filter((e) => e.event === "connectionClosed");

    const result = {
      connected: {
        a: connA.method,
        b: connB.method,
        aPeer: connA.peerId === idB,
        bPeer: connB.peerId === idA,
      },
      media: { trackKinds, stateOn: stateOn.state },
      muted: muted.state,
      switched: {
        devices: switched.devices,
        changed: switched.before !== switched.after,
        senderHasNew: senderTracks.includes(switched.after),
        senderHasOld: senderTracks.includes(switched.before),
        newOffers: offersAfter - offersBefore,
      },
      screen: { state: screenState.state, kind: screenTrack.kind },
      iceRestart: {
        blocked,
        after: { a: na?.local, b: nb?.local },
        restartOffers,
        messages: after,
        connectionClosed: closed.length,
      },
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    if (process.env.DEBUG_RUN)
      for (const [name, p] of Object.entries(pagesForLog))
        process.stderr.write(`${name}: ${(await p.evaluate<string[]>("window.t.log")).join("\n  ")}\n`);
    for (const port of blocked) iptables("-D", port);
    await browser.close();
    pageServer.close();
    await platform.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
