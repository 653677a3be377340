/**
 * Runs inside a loopback-only namespace (relay.test.ts): the same meeting with relay only through our TURN — the
 * host ticks "Relay only" on Start, the guest opens the link with `?relay=1` — and both Network views show the
 * selected pair relay on both ends. Prints what each Network view showed.
 */
import type { Page } from "playwright-core";
import { launchBrowser, openApp, waitForDecodingVideo, type AppPage } from "../helpers/browser";
import { startWebPlatform } from "../helpers/platform";
import { scenarioMain } from "../helpers/scenario";
import { createMeetingThroughUi, joinThroughUi, reportFailure, SCREENSHOTS, tile } from "../helpers/app";

scenarioMain(async () => {
  const platform = await startWebPlatform({ turn: true });
  const browser = await launchBrowser();
  const pages: AppPage[] = [];
  try {
    const alice = await openApp(browser, platform.origin, "#/", { label: "alice" });
    pages.push(alice);
    const code = await createMeetingThroughUi(alice.page, "Alice", { relay: true });
    const aliceUrl = alice.page.url();
    const bob = await openApp(browser, platform.origin, `#/m/${code}?relay=1`, { label: "bob" });
    pages.push(bob);
    await joinThroughUi(bob.page, "Bob");
    const video = await waitForDecodingVideo(bob.page, `${tile("Alice")} video`, { minGrowth: 5 });
    await waitForDecodingVideo(alice.page, `${tile("Bob")} video`, { minGrowth: 5 });
    const a = await networkView(alice.page);
    const b = await networkView(bob.page);
    await alice.page.screenshot({ path: `${SCREENSHOTS}/network-relay.png` });
    return { code, aliceUrl, video, alice: a, bob: b };
  } catch (err) {
    await reportFailure(pages);
    throw err;
  } finally {
    await browser.close();
    await platform.close();
  }
});

/** Opens the Network view from the nav (no reload) and reads the connection row once bytes flow. */
async function networkView(page: Page): Promise<{
  method: string;
  local: string;
  remote: string;
  turn: string;
  meeting: string;
}> {
  await page.getByRole("link", { name: "Network" }).click();
  const row = page.locator("[data-testid=connections] tbody tr").first();
  await row.waitFor();
  await page.getByTestId("turn-state").filter({ hasText: "in use" }).waitFor();
  const data = await row.evaluate((r) => ({ ...(r as HTMLElement).dataset }));
  return {
    method: data.method ?? "",
    local: data.local ?? "",
    remote: data.remote ?? "",
    turn: await page.getByTestId("turn-state").innerText(),
    meeting: await page.locator("dd").nth(1).innerText(),
  };
}
