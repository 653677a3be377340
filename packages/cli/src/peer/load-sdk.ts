import type { PeerClient, PeerClientOptions, PeerSdk } from "./sdk.js";

interface ClientModule {
  SwitchboardClient: new (options: PeerClientOptions & { rtc: unknown }) => PeerClient;
  CLIENT_EVENTS: readonly string[];
}
interface NodeModule {
  nodeRtc: () => unknown;
}

/** The SDK with Node's WebRTC stack, loaded only when a command needs it. */
export async function loadSdk(): Promise<PeerSdk> {
  const client = (await import("@switchboard/client")) as unknown as Partial<ClientModule>;
  const node = (await import("@switchboard/client/node")) as unknown as Partial<NodeModule>;
  const { SwitchboardClient, CLIENT_EVENTS } = client;
  const { nodeRtc } = node;
  if (!SwitchboardClient || !CLIENT_EVENTS || !nodeRtc)
    throw new Error("@switchboard/client is not built with its client API (SwitchboardClient, nodeRtc)");
  return {
    events: CLIENT_EVENTS,
    create: (options) => new SwitchboardClient({ ...options, rtc: nodeRtc() }),
  };
}
