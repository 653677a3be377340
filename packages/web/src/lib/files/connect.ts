// A client of the meeting for the Files view when it is opened on its own (a share link): the SDK on this page's
// origin (`/ws`, wss on https), joined to the link's meeting.
import { SwitchboardClient } from "@switchboard/client";

export function signalingUrlFor(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}/ws`;
}

export async function connectForFiles(meeting: string, name: string): Promise<SwitchboardClient> {
  const client = new SwitchboardClient({
    signalingUrl: signalingUrlFor(location),
    meetingCode: meeting,
    name,
    rtc: globalThis as unknown as ConstructorParameters<typeof SwitchboardClient>[0]["rtc"],
  });
  try {
    await client.initializeNode();
    await client.discoverPeers(meeting);
    return client;
  } catch (e) {
    await client.disconnect().catch(() => undefined);
    throw e;
  }
}
