// The slice of @switchboard/client's API (packages/client/README.md) that `switchboard peer` drives.

export interface PeerSummary {
  readonly peerId: string;
  readonly name?: string;
}

export interface PeerClientOptions {
  signalingUrl: string;
  meetingCode: string;
  name?: string;
  token?: string;
  iceServers?: { urls: string | string[] }[];
  iceTransportPolicy?: "all" | "relay";
}

export interface PeerClient {
  initializeNode(): Promise<unknown>;
  discoverPeers(meetingCode?: string): Promise<readonly PeerSummary[]>;
  broadcast(data: string | Uint8Array): Promise<unknown>;
  getStats(): Promise<unknown>;
  healthCheck(): Promise<{ readonly turnConfigured: boolean; readonly iceServers: readonly string[] }>;
  disconnect(): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): unknown;
}

export interface PeerSdk {
  /** Every event name the client emits (the `event` of `--json` lines). */
  readonly events: readonly string[];
  create(options: PeerClientOptions): PeerClient;
}
