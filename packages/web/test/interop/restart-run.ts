/**
 * Runs inside a loopback-only namespace (restart.test.ts): a two-person meeting while signaling (over Redis, so
 * the meeting outlives the instance) is stopped for a few seconds and started again. The pages must show the
 * outage, then the recovery, without a reload; the video keeps decoding throughout; chat works and a newcomer
 * is seen afterwards. Prints frame counts and banner texts.
 */
import {
  launchBrowser,
  decodedFrames,
  openApp,
  waitForBanner,
  waitForDecodingVideo,
  type AppPage,
} from "../helpers/browser";
import { startWebPlatform } from "../helpers/platform";
import { scenarioMain } from "../helpers/scenario";
import { createMeetingThroughUi, joinThroughUi, reportFailure, tile } from "../helpers/app";

const DOWN_MS = 5000;

scenarioMain(async () => {
  const platform = await startWebPlatform({ turn: true, redis: true });
  const browser = await launchBrowser();
  const pages: AppPage[] = [];
  try {
    const alice = await openApp(browser, platform.origin, "#/", { label: "alice" });
    pages.push(alice);
    const code = await createMeetingThroughUi(alice.page, "Alice");
    const bob = await openApp(browser, platform.origin, `#/m/${code}`, { label: "bob" });
    pages.push(bob);
    await joinThroughUi(bob.page, "Bob");
    const aliceVideo = `${tile("Alice")} video`;
    await waitForDecodingVideo(bob.page, aliceVideo, { minGrowth: 5 });
    await waitForDecodingVideo(alice.page, `${tile("Bob")} video`, { minGrowth: 5 });
    // A reload would lose this.
    for (const p of [alice, bob]) await p.page.evaluate(() => Object.assign(window, { sbNoReload: true }));

    await platform.stopSignaling();
    const lost = {
      alice: await waitForBanner(alice.page, "signaling_lost"),
      bob: await waitForBanner(bob.page, "signaling_lost"),
    };
    const framesOutageStart = await decodedFrames(bob.page, aliceVideo);
    await new Promise((r) => setTimeout(r, DOWN_MS));
    const framesOutageEnd = await decodedFrames(bob.page, aliceVideo);
    await platform.startSignaling();
    const back = {
      alice: await waitForBanner(alice.page, "signaling_back"),
      bob: await waitForBanner(bob.page, "signaling_back"),
    };
    const after = await waitForDecodingVideo(bob.page, aliceVideo, { minGrowth: 10 });
    const noReload = await Promise.all(
      [alice, bob].map((p) =>
        p.page.evaluate(() => (window as unknown as { sbNoReload?: boolean }).sbNoReload === true),
      ),
    );

    await alice.page.getByLabel("Message", { exact: true }).fill("still here");
    await alice.page.getByRole("button", { name: "Send" }).click();
    await bob.page.getByTestId("chat-item").filter({ hasText: "still here" }).waitFor();

    const carol = await openApp(browser, platform.origin, `#/m/${code}`, { label: "carol" });
    pages.push(carol);
    await joinThroughUi(carol.page, "Carol");
    await alice.page.locator(tile("Carol")).waitFor();
    const signalingState = await alice.page.evaluate(
      () => document.querySelector("[data-testid=banner]")?.textContent ?? "",
    );

    return { code, lost, back, framesOutageStart, framesOutageEnd, after, noReload, signalingState };
  } catch (err) {
    await reportFailure(pages);
    throw err;
  } finally {
    await browser.close();
    await platform.close();
  }
});
