/**
 * Debian's Chromium through playwright-core for the web app's tests: a fake camera and microphone, the media
 * prompt answered "allow" (or left to the browser, to provoke a refusal), a fixed viewport, and small DOM probes
 * that poll instead of sleeping.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_EXECUTABLE, CHROMIUM_WEBRTC_ARGS } from "@switchboard/test-support";

/** Every screenshot is taken at this size. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

export interface BrowserOptions {
  /** A fake camera and microphone (`--use-fake-device-for-media-stream`; default true). */
  readonly fakeDevices?: boolean;
  /** Answer the camera/microphone prompt "allow" (`--use-fake-ui-for-media-stream`; default true). */
  readonly allowMedia?: boolean;
}

/** Launches headless Chromium for WebRTC on loopback. */
export async function launchBrowser(opts: BrowserOptions = {}): Promise<Browser> {
  const args = CHROMIUM_WEBRTC_ARGS.filter(
    (a) => opts.allowMedia !== false || a !== "--use-fake-ui-for-media-stream",
  );
  if (opts.fakeDevices !== false) args.push("--use-fake-device-for-media-stream");
  args.push("--autoplay-policy=no-user-gesture-required", "--disable-dev-shm-usage");
  return chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args, timeout: 60_000 });
}

export interface AppPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** What the page printed (console and uncaught errors), for failure reports. */
  readonly log: string[];
}

/** A fresh context (own storage) with the app open at `origin` + `hash`. */
export async function openApp(
  browser: Browser,
  origin: string,
  hash = "#/",
  opts: { grantMedia?: boolean; label?: string } = {},
): Promise<AppPage> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  if (opts.grantMedia !== false) await context.grantPermissions(["camera", "microphone"], { origin });
  const page = await context.newPage();
  page.setDefaultTimeout(45_000);
  const log: string[] = [];
  const tag = opts.label ?? "page";
  log.push(`[${tag}] opened ${hash}`);
  page.on("console", (m) => log.push(`[${tag}] ${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.push(`[${tag}] pageerror: ${e.message}`));
  await page.goto(`${origin}/${hash}`);
  return { context, page, log };
}

/** Video frames decoded so far by the first `<video>` matching `selector` (-1 when there is none). */
export function decodedFrames(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const v = document.querySelector<HTMLVideoElement>(sel);
    return v ? v.getVideoPlaybackQuality().totalVideoFrames : -1;
  }, selector);
}

/**
 * Waits until the `<video>` at `selector` decodes frames: at least `minGrowth` more than when first seen, and
 * a real size. Returns the frame counts seen at the start and the end.
 */
export async function waitForDecodingVideo(
  page: Page,
  selector: string,
  opts: { minGrowth?: number; timeoutMs?: number } = {},
): Promise<{ first: number; last: number; width: number }> {
  const minGrowth = opts.minGrowth ?? 10;
  await page.waitForFunction(
    (sel) => {
      const v = document.querySelector<HTMLVideoElement>(sel);
      return !!v && v.getVideoPlaybackQuality().totalVideoFrames > 0 && v.videoWidth > 0;
    },
    selector,
    { timeout: opts.timeoutMs ?? 45_000, polling: 200 },
  );
  const first = await decodedFrames(page, selector);
  await page.waitForFunction(
    ({ sel, target }) => {
      const v = document.querySelector<HTMLVideoElement>(sel);
      return !!v && v.getVideoPlaybackQuality().totalVideoFrames >= target;
    },
    { sel: selector, target: first + minGrowth },
    { timeout: opts.timeoutMs ?? 45_000, polling: 200 },
  );
  const last = await decodedFrames(page, selector);
  const width = await page.evaluate(
    (sel) => document.querySelector<HTMLVideoElement>(sel)?.videoWidth ?? 0,
    selector,
  );
  return { first, last, width };
}

/** The banner's texts now. */
export function bannerTexts(page: Page): Promise<string[]> {
  return page.locator("[data-testid=banner] [data-code]").allInnerTexts();
}

/** Waits for a banner message with this code and returns its text. */
export async function waitForBanner(page: Page, code: string, timeoutMs = 45_000): Promise<string> {
  const loc = page.locator(`[data-testid=banner] [data-code="${code}"]`).first();
  await loc.waitFor({ state: "visible", timeout: timeoutMs });
  return loc.innerText();
}
