/**
 * Runs inside a loopback-only namespace (meeting.test.ts): three people in one meeting through the UI (two
 * browsers); the host's page decodes both others' video; screenshots of Meeting (3 participants) and Network; the
 * Network view lists both connections. Prints what it saw as RESULT.
 */
import { mkdirSync } from "node:fs";
import { launchBrowser, openApp, waitForDecodingVideo, type AppPage } from "../helpers/browser";
import { startWebPlatform } from "../helpers/platform";
import { scenarioMain } from "../helpers/scenario";
import { createMeetingThroughUi, joinThroughUi, reportFailure, SCREENSHOTS, tile } from "../helpers/app";

scenarioMain(async () => {
  const platform = await startWebPlatform({ turn: true });
  const browserA = await launchBrowser();
  const browserB = await launchBrowser();
  const pages: AppPage[] = [];
  try {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const alice = await openApp(browserA, platform.origin, "#/", { label: "alice" });
    pages.push(alice);
    const code = await createMeetingThroughUi(alice.page, "Alice");
    for (const [name, browser] of [
      ["Bob", browserB],
      ["Carol", browserA],
    ] as const) {
      const p = await openApp(browser, platform.origin, `#/m/${code}`, { label: name.toLowerCase() });
      pages.push(p);
      await joinThroughUi(p.page, name);
    }
    const bob = await waitForDecodingVideo(alice.page, `${tile("Bob")} video`, { minGrowth: 5 });
    const carol = await waitForDecodingVideo(alice.page, `${tile("Carol")} video`, { minGrowth: 5 });
    await alice.page.screenshot({ path: `${SCREENSHOTS}/meeting.png` });

    await alice.page.getByRole("link", { name: "Network" }).click();
    await alice.page.locator("[data-testid=connections] tbody tr").nth(1).waitFor();
    await alice.page.screenshot({ path: `${SCREENSHOTS}/network.png` });
    const network = await alice.page
      .locator("[data-testid=connections] tbody tr")
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.method ?? ""));
    const signalingState = await alice.page.getByTestId("signaling-state").getAttribute("data-state");
    return { code, bob, carol, network, signalingState };
  } catch (err) {
    await reportFailure(pages);
    throw err;
  } finally {
    await browserA.close();
    await browserB.close();
    await platform.close();
  }
});
