// Time from page load to the video of a second participant: Alice is in the meeting with her camera on; Bob opens
// the meeting link (his name already saved, as for a returning user), presses "Join meeting", and the clock stops
// at the first decoded frame of Alice's tile. The time is Bob's `performance.now()` then: milliseconds since his
// page's navigation started. Checked on every animation frame, so the resolution is one frame (~16 ms).
import type { Browser, Page } from "playwright-core";
import { openApp } from "../../packages/web/test/helpers/browser.js";

/** Alice's camera tile in Bob's page (the Meeting view's tile attributes). */
const ALICE_VIDEO = '[data-testid="peer-tile"][data-name="Alice"] video';

/** On a meeting link: the name, then "Join meeting" (as packages/web/test/helpers/app.ts does). */
async function joinAs(page: Page, name: string): Promise<void> {
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Join meeting" }).click();
}

export interface VideoTrial {
  readonly ms: number;
  readonly frames: number;
  readonly width: number;
}

async function firstFrameAt(page: Page, selector: string, timeoutMs: number): Promise<VideoTrial> {
  const handle = await page.waitForFunction(
    (sel) => {
      const v = document.querySelector<HTMLVideoElement>(sel);
      if (!v || v.videoWidth === 0 || v.getVideoPlaybackQuality().totalVideoFrames === 0) return null;
      return {
        ms: performance.now(),
        frames: v.getVideoPlaybackQuality().totalVideoFrames,
        width: v.videoWidth,
      };
    },
    selector,
    { timeout: timeoutMs, polling: "raf" },
  );
  return (await handle.jsonValue()) as VideoTrial;
}

/** One trial in a fresh meeting `code` (auto-created on join by the local platform). */
export async function timeToVideo(
  browsers: { alice: Browser; bob: Browser },
  origin: string,
  code: string,
): Promise<VideoTrial> {
  const alice = await openApp(browsers.alice, origin, `#/m/${code}`, { label: "alice" });
  try {
    await joinAs(alice.page, "Alice");
    await alice.page.locator("video").first().waitFor({ timeout: 45_000 });
    const context = await browsers.bob.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(["camera", "microphone"], { origin });
    await context.addInitScript(() => localStorage.setItem("switchboard.name", "Bob"));
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/#/m/${code}`);
      await page.getByRole("button", { name: "Join meeting" }).click();
      return await firstFrameAt(page, ALICE_VIDEO, 45_000);
    } finally {
      await context.close();
    }
  } finally {
    await alice.context.close();
  }
}
