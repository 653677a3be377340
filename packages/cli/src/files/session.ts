import { attachToClient, type FileShare } from "@switchboard/files";
import type { SwitchboardClient } from "@switchboard/client";
import { loadSdk } from "../peer/load-sdk.js";
import { clientOptions } from "../start.js";
import type { Output } from "../output.js";
import type { ConnectConfig } from "./config.js";

/** Joins the meeting with a client whose files channels feed `share`; peers connect as they are found. */
export async function joinWithShare(
  config: ConnectConfig,
  share: FileShare,
  out: Output,
): Promise<SwitchboardClient> {
  const sdk = await loadSdk();
  const client = sdk.create(clientOptions(config));
  client.on("connectionEstablished", (c) =>
    out.event("connectionEstablished", { peerId: c.peerId, method: c.method }, null),
  );
  client.on("error", (e) => out.warn(`${e.code}: ${e.message}`));
  attachToClient(share, client, (peerId, err) =>
    out.warn(`files channel to ${peerId} failed: ${String(err)}`),
  );
  share.events.on("peer-error", ({ peerId, error }) => {
    out.event("peerError", { peerId, code: error.code, message: error.message }, null);
    out.warn(`peer ${peerId} broke the files protocol (${error.code}): channel closed`);
  });
  await client.initializeNode();
  if (config.relay) {
    const health = await client.healthCheck();
    if (!health.turnConfigured)
      throw Object.assign(new Error("--relay: signaling hands out no TURN server"), {
        code: "turn_unavailable",
      });
  }
  await client.discoverPeers(config.meetingCode);
  return client;
}

/** Disconnects, giving up after 5 s. */
export async function leave(client: SwitchboardClient | undefined): Promise<void> {
  if (!client) return;
  await Promise.race([
    client.disconnect().catch(() => undefined),
    new Promise((r) => setTimeout(r, 5000).unref()),
  ]);
}

/** Human-readable bytes. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
