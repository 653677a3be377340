import type { FileShare } from "./file-share.js";
import { FILES_CHANNEL_LABEL, type PeerChannel } from "./peer-channel.js";

/** The part of `SwitchboardClient` file sharing uses (structural, so this package does not depend on the SDK). */
export interface ChannelClient {
  readonly peerId: string | undefined;
  on(event: "connectionEstablished", fn: (c: { readonly peerId: string }) => void): () => void;
  openChannel(peerId: string, label: string): Promise<PeerChannel>;
  onChannel(label: string, fn: (ch: PeerChannel) => void): () => void;
}

/**
 * Gives `share` a `switchboard-files` channel to every peer the client connects to. One side opens it (the one
 * whose peer id sorts first), the other accepts it, so each pair of peers has exactly one files channel.
 * Returns a function that stops attaching new channels.
 */
export function attachToClient(
  share: FileShare,
  client: ChannelClient,
  onError: (peerId: string, err: unknown) => void = () => undefined,
): () => void {
  const offChannel = client.onChannel(FILES_CHANNEL_LABEL, (ch) => share.addChannel(ch));
  const offConnected = client.on("connectionEstablished", ({ peerId }) => {
    const self = client.peerId;
    if (self === undefined || self > peerId) return;
    client.openChannel(peerId, FILES_CHANNEL_LABEL).then(
      (ch) => share.addChannel(ch),
      (err: unknown) => onError(peerId, err),
    );
  });
  return () => {
    offChannel();
    offConnected();
  };
}
