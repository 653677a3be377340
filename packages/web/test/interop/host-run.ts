/**
 * Runs inside a loopback-only namespace (host.test.ts): a host creates a meeting with approval on through the UI;
 * a guest waits in the lobby, the host admits, later removes them, and the guest reads why; a second guest is
 * denied; the host locks the meeting (a third guest is refused) and ends it. Prints what each side showed.
 */
import {
  launchBrowser,
  openApp,
  waitForBanner,
  waitForDecodingVideo,
  type AppPage,
} from "../helpers/browser";
import { startWebPlatform } from "../helpers/platform";
import { scenarioMain } from "../helpers/scenario";
import { createMeetingThroughUi, joinThroughUi, reportFailure, tile } from "../helpers/app";

scenarioMain(async () => {
  const platform = await startWebPlatform({ turn: true });
  const browser = await launchBrowser();
  const pages: AppPage[] = [];
  const open = async (label: string, hash: string): Promise<AppPage> => {
    const p = await openApp(browser, platform.origin, hash, { label });
    pages.push(p);
    return p;
  };
  try {
    const host = await open("host", "#/");
    const code = await createMeetingThroughUi(host.page, "Hana", { approval: true });
    const apiSettings = (await (await fetch(`${platform.origin}/api/meetings/${code}`)).json()) as {
      settings: { requireApproval: boolean };
    };

    const guest = await open("guest", `#/m/${code}`);
    await joinThroughUi(guest.page, "Gus");
    const lobbyText = await guest.page.getByTestId("lobby-waiting").innerText();
    const lobbyBanner = await waitForBanner(guest.page, "lobby_waiting");

    await host.page.getByRole("button", { name: /^People/ }).click();
    await host.page.getByRole("button", { name: "Admit Gus" }).click();
    const guestVideo = await waitForDecodingVideo(guest.page, `${tile("Hana")} video`, { minGrowth: 5 });
    const hostSeesGuest = await host.page.locator(`[data-testid=participants] [data-name="Gus"]`).count();

    await host.page.getByRole("button", { name: "Remove Gus" }).click();
    const kickedOutcome = await guest.page.getByTestId("outcome").innerText();
    const kickedBanner = await waitForBanner(guest.page, "kicked");
    await host.page.locator(tile("Gus")).waitFor({ state: "detached" });

    const second = await open("second", `#/m/${code}`);
    await joinThroughUi(second.page, "Dora");
    await second.page.getByTestId("lobby-waiting").waitFor();
    await host.page.getByRole("button", { name: "Deny Dora" }).click();
    const deniedOutcome = await second.page.getByTestId("outcome").innerText();

    await host.page.getByRole("button", { name: "Lock meeting" }).click();
    await host.page.getByRole("button", { name: "Unlock meeting" }).waitFor();
    const third = await open("third", `#/m/${code}`);
    await joinThroughUi(third.page, "Lars");
    const lockedOutcome = await third.page.getByTestId("outcome").innerText();

    await host.page.getByRole("button", { name: "End meeting for all" }).click();
    const hostEnded = await host.page.getByTestId("outcome").innerText();
    await third.page.getByRole("button", { name: "Try again" }).click();
    await third.page.getByTestId("outcome").filter({ hasText: /ended/ }).waitFor();
    const endedOutcome = await third.page.getByTestId("outcome").innerText();

    return {
      code,
      requireApproval: apiSettings.settings.requireApproval,
      lobbyText,
      lobbyBanner,
      guestVideo,
      hostSeesGuest,
      kickedOutcome,
      kickedBanner,
      deniedOutcome,
      lockedOutcome,
      hostEnded,
      endedOutcome,
    };
  } catch (err) {
    await reportFailure(pages);
    throw err;
  } finally {
    await browser.close();
    await platform.close();
  }
});
