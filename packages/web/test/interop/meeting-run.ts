/**
 * Runs inside a loopback-only namespace (meeting.test.ts): two Chromium browsers create and join a meeting through
 * the app's UI on the real platform; each must decode the other's video, chat goes both ways with the unread badge,
 * a mute shows on the other side, a screen share appears, a camera switch keeps the video going, and the page
 * fits a phone's width. Prints what it saw as RESULT. (meeting-three-run.ts: three participants and Network.)
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

    // Device choice: the camera is switched (a new capture, replaceTrack) and Bob keeps decoding Alice.
    await alice.page.getByRole("button", { name: "Devices" }).click();
    const cameras = await alice.page.getByLabel("Camera").locator("option").count();
    const cameraId = await alice.page.getByLabel("Camera").locator("option").first().getAttribute("value");
    await alice.page.getByLabel("Camera").selectOption(cameraId ?? "");
    const afterSwitch = await waitForDecodingVideo(bob.page, `${tile("Alice")} video`, { minGrowth: 10 });
    await alice.page.getByRole("button", { name: "Devices" }).click();

    // Phone width: nothing wider than the screen.
    await bob.page.setViewportSize({ width: 390, height: 844 });
    await bob.page.screenshot({ path: `${SCREENSHOTS}/meeting-phone.png` });
    const phoneOverflow = await bob.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );

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
      cameras,
      afterSwitch,
      phoneOverflow,
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
