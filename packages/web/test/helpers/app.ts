/** The app's own UI steps, as a person does them (labels and roles, as a screen reader finds them). */
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import type { AppPage } from "./browser";

/** Screenshots of the views (git-ignored), at the fixed viewport of browser.ts. */
export const SCREENSHOTS = fileURLToPath(new URL("../../../../test-results/screenshots", import.meta.url));

/** The CSS selector of a participant's camera tile by display name. */
export function tile(name: string): string {
  return `[data-testid="peer-tile"][data-name="${name}"]`;
}

/** On Start: name, options, "Create meeting"; resolves with the meeting code once joined as host. */
export async function createMeetingThroughUi(
  page: Page,
  name: string,
  opts: { approval?: boolean; relay?: boolean } = {},
): Promise<string> {
  await page.getByLabel("Your name").fill(name);
  if (opts.relay) await page.getByLabel(/Relay only/).check();
  if (opts.approval) await page.getByLabel(/Guests wait in a lobby/).check();
  await page.getByRole("button", { name: "Create meeting" }).click();
  return (await page.getByTestId("meeting-code").innerText({ timeout: 45_000 })).trim();
}

/** On a meeting link: name, "Join meeting". Resolves once the click is done (joined, lobby or failure follow). */
export async function joinThroughUi(page: Page, name: string): Promise<void> {
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Join meeting" }).click();
}

/** On a failed scenario: each page's log, banner, URL and a screenshot (`fail-<label>.png`) to stderr/SCREENSHOTS. */
export async function reportFailure(pages: readonly AppPage[]): Promise<void> {
  for (const [i, p] of pages.entries()) {
    const label = p.log[0]?.match(/^\[(\w+)\]/)?.[1] ?? String(i);
    const banner = await p.page
      .locator("[data-testid=banner]")
      .innerText({ timeout: 2000 })
      .catch(() => "?");
    const main = await p.page
      .locator("main")
      .innerText({ timeout: 2000 })
      .catch(() => "?");
    process.stderr.write(
      `--- ${label} ${p.page.url()}\nbanner: ${banner}\nmain: ${main.slice(0, 1500)}\n${p.log.join("\n")}\n`,
    );
    await p.page.screenshot({ path: `${SCREENSHOTS}/fail-${label}.png` }).catch(() => undefined);
  }
}
