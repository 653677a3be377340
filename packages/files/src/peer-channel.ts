/**
 * What the swarm needs of a connection to one peer: the shape of `PeerChannel` from `@switchboard/client`
 * (an ordered, reliable data channel). Anything with this shape works: the SDK's channels, the in-memory pair.
 */
export interface PeerChannel {
  readonly peerId: string;
  readonly label: string;
  readonly maxMessageSize: number;
  /**
   * Resolves when the data is accepted (waits while the channel's buffer is above its high-water mark). By then the
   * channel holds its own copy (RTCDataChannel.send copies; so does the in-memory pair): the caller may reuse the
   * buffer.
   */
  send(data: Uint8Array | string): Promise<void>;
  onmessage: ((data: Uint8Array | string) => void) | null;
  onclose: (() => void) | null;
  close(): void;
}

/** The data channel label file sharing uses. */
export const FILES_CHANNEL_LABEL = "switchboard-files";
