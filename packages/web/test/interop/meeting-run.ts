/**
 * Runs inside a loopback-only namespace (meeting.test.ts): two Chromium browsers create and join a meeting through
 * the app's UI on the real platform; each must decode the other's video, chat goes both ways with the unread badge,
 * a mute shows on the other side, a screen share appears, a third participant joins for the screenshot, and the
 * Network view shows the connections. Prints what it saw as RESULT.
 */
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
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
    await alice.page.screenshot({ path: `${SCREENSHOTS}/start.png` });
    const code = await createMeetingThroughUi(alice.page, "Alice");
    const bob = await openApp(browserB, platform.origin, `#/m/${code}`, { label: "bob" });
    pages.push(bob);
    await joinThroughUi(bob.page, "Bob");

    // Video both ways: frames decoding, not just a track.
    const bobSeesAlice = await waitForDecodingVideo(bob.page, `${tile("Alice")} video`);
    const aliceSeesBob = await waitForDecodingVideo(alice.page, `${tile("Bob")} video`);

    // Chat both ways; Bob has his chat closed, so the badge counts.
    await bob.page.getByTestId("toggle-chat").click();
    await sendChat(alice.page, "hello from Alice");
    const badge = await bob.page.getByTestId("unread").innerText({ timeout: 30_000 });
    const badgeLabel = await bob.page.getByTestId("toggle-chat").getAttribute("aria-label");
    await bob.page.getByTestId("toggle-chat").click();
    await bob.page.getByTestId("chat-item").filter({ hasText: "hello from Alice" }).waitFor();
    const badgeAfterOpen = await bob.page.getByTestId("unread").count();
    await sendChat(bob.page, "hi from Bob");
    await alice.page.getByTestId("chat-item").filter({ hasText: "hi from Bob" }).waitFor();

    // Mute shows on the other side.
    const audioBefore = await bob.page.locator(tile("Alice")).getAttribute("data-audio");
    await alice.page.getByTestId("toggle-mic").click();
    await bob.page.locator(`${tile("Alice")}[data-audio="off"]`).waitFor({ timeout: 30_000 });
    const audioAfter = await bob.page.locator(tile("Alice")).getAttribute("data-audio");

    // Screen share appears on the other side, decoding.
    await alice.page.getByTestId("toggle-screen").click();
    const screen = await waitForDecodingVideo(
      bob.page,
      `[data-testid="screen-tile"][data-name="Alice"] video`,
      {
        minGrowth: 5,
      },
    );
    const verified = {
      alice: await alice.page.locator(`${tile("Bob")} [data-testid=verified]`).count(),
      bob: await bob.page.locator(`${tile("Alice")} [data-testid=verified]`).count(),
    };
    await alice.page.getByTestId("toggle-screen").click();
    await bob.page.locator(`[data-testid="screen-tile"][data-name="Alice"]`).waitFor({ state: "detached" });

    // A third participant, for the Meeting screenshot.
    const carol = await openApp(browserA, platform.origin, `#/m/${code}`, { label: "carol" });
    pages.push(carol);
    await joinThroughUi(carol.page, "Carol");
    await waitForDecodingVideo(alice.page, `${tile("Carol")} video`, { minGrowth: 5 });
    await waitForDecodingVideo(alice.page, `${tile("Bob")} video`, { minGrowth: 5 });
    await alice.page.getByTestId("toggle-mic").click(); // unmuted again, for the picture
    await alice.page.screenshot({ path: `${SCREENSHOTS}/meeting.png` });

    await alice.page.goto(`${platform.origin}/#/network`);
    await alice.page.locator("[data-testid=connections] tbody tr").nth(1).waitFor();
    await alice.page.screenshot({ path: `${SCREENSHOTS}/network.png` });
    const network = await alice.page
      .locator("[data-testid=connections] tbody tr")
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.method ?? ""));
    const signalingState = await alice.page.getByTestId("signaling-state").getAttribute("data-state");

    return {
      code,
      bobSeesAlice,
      aliceSeesBob,
      badge,
      badgeLabel,
      badgeAfterOpen,
      audioBefore,
      audioAfter,
      screen,
      verified,
      network,
      signalingState,
    };
  } catch (err) {
    await reportFailure(pages);
    throw err;
  } finally {
    await browserA.close();
    await browserB.close();
    await platform.close();
  }
});

async function sendChat(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}
