// The Files view driven the way a person uses it (Playwright on Debian's Chromium): open it in a meeting, add a
// file with the picker, read the share link, open a link, save the finished file. Selectors are the view's own
// labels and data attributes (data-root, data-role, data-complete, data-peer, data-banned, data-given).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { VIEWPORT } from "../helpers/browser.js";

export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** A new page (its own context: its own storage, its own peer) with the Files view of `meeting` open. */
export async function openFiles(browser: Browser, url: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  await context.addInitScript((n) => localStorage.setItem("switchboard.name", n), name);
  const page = await context.newPage();
  page.on("pageerror", (e) => process.stderr.write(`[${name}] page error: ${e.message}\n`));
  // Warnings and errors the page logs (the SDK's and the Files model's) end up in the failure report.
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning")
      process.stderr.write(`[${name}] console ${m.type()}: ${m.text()}\n`);
  });
  await page.goto(url);
  await page.waitForSelector('p.status[data-ready="true"]', { timeout: 45_000 });
  return page;
}

/** Adds a file with the picker; resolves with its share link once it is being shared. */
export async function shareFile(page: Page, path: string): Promise<string> {
  await page.getByLabel("Add files to share").setInputFiles(path);
  const card = page.locator('article[data-role="sharing"]');
  await card.waitFor({ timeout: 60_000 });
  return card.getByRole("textbox", { name: "Share link" }).inputValue();
}

/** The download's card (by root) once it shows the file's name. */
export function downloadCard(page: Page, root: string): ReturnType<Page["locator"]> {
  return page.locator(`article[data-role="downloading"][data-root="${root}"]`);
}

/** Waits until the download's card says complete. */
export async function waitComplete(page: Page, root: string, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (r) => document.querySelector(`article[data-root="${r}"]`)?.getAttribute("data-complete") === "true",
    root,
    { timeout: timeoutMs, polling: 250 },
  );
}

export interface SourceSeen {
  readonly peerId: string;
  readonly name: string;
  readonly given: number;
  readonly bad: number;
  readonly banned: boolean;
  readonly text: string;
}

/** The rows of the download's "who holds what" table. */
export function sourcesOf(page: Page, root: string): Promise<SourceSeen[]> {
  return page.evaluate((r) => {
    const rows = document.querySelectorAll(`article[data-root="${r}"] tbody tr[data-peer]`);
    return [...rows].map((row) => ({
      peerId: row.getAttribute("data-peer") ?? "",
      name: row.querySelector("th")?.textContent?.trim() ?? "",
      given: Number(row.getAttribute("data-given")),
      bad: Number(row.getAttribute("data-bad")),
      banned: row.getAttribute("data-banned") === "true",
      text: (row.textContent ?? "").replace(/\s+/g, " ").trim(),
    }));
  }, root);
}

/** Text of one `data-field` of the download's card ("" when absent). */
export async function field(page: Page, root: string, name: string): Promise<string> {
  const el = downloadCard(page, root).locator(`[data-field="${name}"]`);
  return (await el.count()) > 0 ? ((await el.textContent()) ?? "").trim() : "";
}

/** Clicks Save and reads the file the browser downloads; resolves with its SHA-256 and name. */
export async function saveAndHash(page: Page, root: string): Promise<{ sha256: string; name: string }> {
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 60_000 }),
    downloadCard(page, root)
      .getByRole("button", { name: /^Save / })
      .click(),
  ]);
  const path = await download.path();
  return { sha256: await sha256File(path), name: download.suggestedFilename() };
}
