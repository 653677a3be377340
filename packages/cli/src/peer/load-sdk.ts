import type { ClientOptions, ClientEventName, SwitchboardClient } from "@switchboard/client";

/** What `switchboard peer` needs from the SDK: its event names and a client on Node's WebRTC stack. */
export interface PeerSdk {
  /** Every event name the client emits (the `event` of `--json` lines). */
  readonly events: readonly ClientEventName[];
  create(options: Omit<ClientOptions, "rtc">): SwitchboardClient;
}

/** The SDK with node-datachannel, loaded only when a command runs a client (not for --help or a bad flag). */
export async function loadSdk(): Promise<PeerSdk> {
  const { SwitchboardClient, CLIENT_EVENTS, nodeRtc } = await import("@switchboard/client/node");
  return {
    events: CLIENT_EVENTS,
    create: (options) => new SwitchboardClient({ ...options, rtc: nodeRtc() }),
  };
}
