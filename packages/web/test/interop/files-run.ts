/**
 * Runs inside a network namespace with only `lo` (see files.test.ts): the local platform (scripts/start.mjs, which
 * serves the built web app beside signaling), headless Chromium browsers on the Files view, and prints one
 * `RESULT {json}` line with what the pages showed and the SHA-256 of what they saved.
 *   FILES_MODE=two-seeders  two browsers share a 50 MB file, a third opens the share link and downloads it from
 *                           both at once; a screenshot of the transfer in progress is written.
 *   FILES_MODE=corrupt      a corrupting seeder (packages/cli's test peer on @switchboard/files' wire code) serves
 *                           the file alone first; the downloading browser detects its bad pieces and drops it; then
 *                           an honest browser shares the file and the download completes.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { toHex } from "@switchboard/files";
import { manifestFromFile } from "@switchboard/files/node";
import { startLocalPlatform } from "../../../../test/deploy/lib/local-platform.js";
import { rogue, type Proc } from "../../../cli/test/files/procs.js";
import { launchBrowser } from "../helpers/browser.js";
import {
  downloadCard,
  field,
  openFiles,
  saveAndHash,
  sha256File,
  shareFile,
  sourcesOf,
  waitComplete,
  type SourceSeen,
} from "./files-pages.js";

const MODE = process.env.FILES_MODE ?? "two-seeders";
const SCREENSHOTS = fileURLToPath(new URL("../../../../test-results/screenshots/", import.meta.url));
const MiB = 2 ** 20;
// files.test.ts kills the runner at 110 s: the waits share one deadline short of that, so a stall ends in the
// runner's own report (what the pages showed, when each step happened), not in a bare kill.
const STARTED = Date.now();
const DEADLINE = STARTED + 100_000;
const left = (reserve = 8000): number => Math.max(1000, DEADLINE - reserve - Date.now());
const note = (what: string): void => {
  process.stderr.write(`[runner ${((Date.now() - STARTED) / 1000).toFixed(1)} s] ${what}\n`);
};

async function makeFile(dir: string, name: string, size: number): Promise<string> {
  const path = join(dir, name);
  const fh = await open(path, "w");
  for (let at = 0; at < size; at += MiB) await fh.write(randomBytes(Math.min(MiB, size - at)));
  await fh.close();
  return path;
}

/** Clicks a card's Copy button and reads the clipboard back. */
async function copyLink(page: Page, root: string): Promise<string> {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page
    .locator(`article[data-root="${root}"]`)
    .getByRole("button", { name: /^Copy the share link/ })
    .click();
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Drops a small file made in the page on the drop zone; resolves with the name on the card it gets. */
async function dropFile(page: Page, name: string, text: string): Promise<string> {
  const transfer = await page.evaluateHandle(
    ({ n, t }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], n, { type: "text/plain" }));
      return dt;
    },
    { n: name, t: text },
  );
  await page
    .getByRole("region", { name: "Pick or drop files to share" })
    .dispatchEvent("drop", { dataTransfer: transfer });
  const card = page.locator('article[data-role="sharing"]').filter({ hasText: name });
  await card.waitFor({ timeout: 30_000 });
  return ((await card.locator("h3").textContent()) ?? "").trim();
}

const rootOf = (link: string): string => /#\/files\/([0-9a-f]{64})/.exec(link)?.[1] ?? "";

async function twoSeeders(browsers: Browser[], webUrl: string, dir: string): Promise<object> {
  const meeting = `files-two-${process.pid}`;
  const file = await makeFile(dir, "big.bin", 50 * MiB);
  const url = `${webUrl}#/files?meeting=${meeting}`;
  const [a, b] = await Promise.all([openFiles(browsers[0], url, "Ada"), openFiles(browsers[1], url, "Bo")]);
  note("Ada and Bo are in the meeting");
  const [linkA, linkB] = await Promise.all([shareFile(a, file), shareFile(b, file)]);
  note("Ada and Bo share the file");
  const root = rootOf(linkA);
  const c = await openFiles(browsers[2], linkA, "Cy");
  note("Cy opened the link");
  const card = downloadCard(c, root);
  await card.waitFor({ timeout: 30_000 });
  // A screenshot while the transfer is under way (some pieces verified, not all).
  let screenshot = "";
  await c
    .waitForFunction(
      (r) => {
        const p = document.querySelector(`article[data-root="${r}"] progress`);
        const v = Number(p?.getAttribute("value") ?? 0);
        return v >= 5 && v < 90;
      },
      root,
      { timeout: Math.min(60_000, left(20_000)), polling: 100 },
    )
    .then(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      screenshot = join(SCREENSHOTS, "files-transfer.png");
      await c.screenshot({ path: screenshot, fullPage: false });
    })
    .catch(() => undefined);
  const during = { rate: await field(c, root, "rate"), eta: await field(c, root, "eta") };
  try {
    await waitComplete(c, root, left());
  } catch (e) {
    note(`failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    const text = await c
      .locator("main")
      .innerText({ timeout: 2000 })
      .catch(() => "?");
    process.stderr.write(`--- Cy's page:\n${text}\n`);
    throw e;
  }
  note("Cy's download is complete");
  const sources = await sourcesOf(c, root);
  const saved = await saveAndHash(c, root);
  const copied = await copyLink(a, root);
  const dropped = await dropFile(a, "dropped.txt", "dropped on the page");
  return {
    copied,
    dropped,
    linkA,
    linkB,
    origin: new URL(webUrl).origin,
    sources,
    during,
    verification: await field(c, root, "verification"),
    amount: await field(c, root, "amount"),
    saved,
    original: await sha256File(file),
    screenshot,
  };
}

async function corrupt(
  browsers: Browser[],
  webUrl: string,
  signalingUrl: string,
  dir: string,
): Promise<object> {
  const meeting = `files-liar-${process.pid}`;
  const file = await makeFile(dir, "c.bin", 6 * MiB);
  const root = toHex((await manifestFromFile(file)).root);
  const link = `${webUrl}#/files/${root}?meeting=${meeting}`;
  // Signed offers and answers: the web app's session accepts no other.
  const liar: Proc = rogue(["corrupt-seeder", signalingUrl, meeting, file], { ROGUE_SIGNING: "1" });
  try {
    const liarId = String(
      (await liar.waitFor((e) => e.event === "ready", "the corrupting seeder", left())).peerId,
    );
    note("the corrupting seeder is in the meeting");
    // The link is opened before any honest peer has the file: only the liar serves it, until it is dropped.
    const c = await openFiles(browsers[1], link, "Cy");
    note("Cy opened the link");
    const pages = [c];
    let whileStuck: { bad: string; verification: string; sources: SourceSeen[] };
    try {
      await c.waitForFunction(
        (id) => document.querySelector(`tr[data-peer="${id}"]`)?.getAttribute("data-banned") === "true",
        liarId,
        { timeout: left(), polling: 100 },
      );
      note("Cy dropped the liar");
      whileStuck = {
        bad: await field(c, root, "bad"),
        verification: await field(c, root, "verification"),
        sources: await sourcesOf(c, root),
      };
      const a = await openFiles(browsers[0], `${webUrl}#/files?meeting=${meeting}`, "Ada");
      pages.push(a);
      note("Ada joined");
      await shareFile(a, file);
      note("Ada shares the file");
      await waitComplete(c, root, left());
      note("Cy's download is complete");
    } catch (e) {
      note(`failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
      // What the pages showed, for the failure report.
      for (const p of pages)
        process.stderr.write(
          `--- page:\n${await p
            .locator("main")
            .innerText({ timeout: 2000 })
            .catch(() => "?")}\n`,
        );
      process.stderr.write(
        `--- liar: ${JSON.stringify(liar.events.slice(-10))}\n${liar.stderr().slice(-2000)}\n`,
      );
      throw e;
    }
    return {
      liarId,
      whileStuck,
      after: {
        bad: await field(c, root, "bad"),
        verification: await field(c, root, "verification"),
        sources: await sourcesOf(c, root),
      },
      saved: await saveAndHash(c, root),
      original: await sha256File(file),
    };
  } finally {
    await liar.stop();
  }
}

async function main(): Promise<void> {
  const platform = await startLocalPlatform();
  const dir = await mkdtemp(join(tmpdir(), "sb-web-files-"));
  const browsers: Browser[] = [];
  try {
    // The corrupting-seeder case uses two browsers (Cy downloads, Ada shares later), the other three.
    const count = MODE === "corrupt" ? 2 : 3;
    browsers.push(
      ...(await Promise.all(Array.from({ length: count }, () => launchBrowser({ fakeDevices: false })))),
    );
    note(`platform and ${count} browsers up`);
    const result =
      MODE === "corrupt"
        ? await corrupt(browsers, platform.webUrl, platform.signalingUrl, dir)
        : await twoSeeders(browsers, platform.webUrl, dir);
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
