/**
 * Runs inside a loopback-only namespace (failures.test.ts): the failures a person can hit that are cheap to
 * provoke, each through the UI — a meeting code that does not exist, a pasted text that is no code, relay-only
 * with no TURN configured, camera and microphone refused, no camera or microphone at all, signaling down.
 * Prints the text each page showed.
 */
import type { Browser } from "playwright-core";
import { launchBrowser, openApp, waitForBanner, type AppPage } from "../helpers/browser";
import { startWebPlatform } from "../helpers/platform";
import { scenarioMain } from "../helpers/scenario";
import { joinThroughUi, reportFailure } from "../helpers/app";

scenarioMain(async () => {
  // No TURN: relay-only cannot work here. Redis keeps the meeting while signaling is down.
  const platform = await startWebPlatform({ turn: false, redis: true });
  const browsers: Browser[] = [];
  const pages: AppPage[] = [];
  const open = async (b: Browser, label: string, hash: string, grantMedia = true): Promise<AppPage> => {
    const p = await openApp(b, platform.origin, hash, { label, grantMedia });
    pages.push(p);
    return p;
  };
  try {
    const browser = await launchBrowser();
    browsers.push(browser);
    const { roomId } = await platform.createMeeting();

    const missing = await open(browser, "missing", "#/m/no-such-meeting");
    await joinThroughUi(missing.page, "Mia");
    const notFound = {
      outcome: await missing.page.getByTestId("outcome").innerText(),
      banner: await waitForBanner(missing.page, "room_not_found"),
    };

    const start = await open(browser, "start", "#/");
    await start.page.getByLabel("Meeting code or link").fill("not a code!");
    await start.page.getByRole("button", { name: "Join", exact: true }).click();
    const badCode = await waitForBanner(start.page, "room_not_found");

    const relay = await open(browser, "relay", `#/m/${roomId}?relay=1`);
    await joinThroughUi(relay.page, "Rita");
    const noTurn = {
      outcome: await relay.page.getByTestId("outcome").innerText(),
      banner: await waitForBanner(relay.page, "turn_unavailable"),
    };

    // The browser's own prompt, unanswered in headless Chromium: a refusal.
    const refusing = await launchBrowser({ allowMedia: false });
    browsers.push(refusing);
    const denied = await open(refusing, "denied", `#/m/${roomId}`, false);
    await joinThroughUi(denied.page, "Dan");
    const permission = {
      banner: await waitForBanner(denied.page, "permission_denied"),
      joinedAnyway: await denied.page.getByTestId("meeting-code").innerText(),
    };

    // No fake devices and none in the namespace: nothing to open.
    const bare = await launchBrowser({ fakeDevices: false });
    browsers.push(bare);
    const nodevice = await open(bare, "nodevice", `#/m/${roomId}`);
    await joinThroughUi(nodevice.page, "Ned");
    const noDevice = {
      banner: await waitForBanner(nodevice.page, "no_device"),
      joinedAnyway: await nodevice.page.getByTestId("meeting-code").innerText(),
    };

    await platform.stopSignaling();
    const offline = await open(browser, "offline", `#/m/${roomId}`);
    await joinThroughUi(offline.page, "Olga");
    const unreachable = {
      outcome: await offline.page.getByTestId("outcome").innerText(),
      banner: await waitForBanner(offline.page, "signaling_unreachable"),
    };
    // And back: "Try again" works once signaling is up, without a reload.
    await platform.startSignaling();
    await offline.page.getByRole("button", { name: "Try again" }).click();
    const retried = await offline.page.getByTestId("meeting-code").innerText();

    return { roomId, notFound, badCode, noTurn, permission, noDevice, unreachable, retried };
  } catch (err) {
    await reportFailure(pages);
    throw err;
  } finally {
    for (const b of browsers) await b.close();
    await platform.close();
  }
});
