import type { ServerMessage } from "@switchboard/protocol";
import type { Outgoing, SignalingSessionOptions, Welcome } from "./session.js";
import type { SignalingState } from "./state.js";

/**
 * What the client needs from signaling: hello/welcome, requests answered within a deadline, fire-and-forget
 * messages, and the session state. `SignalingSession` (WebSocket to the signaling service) is the default;
 * another transport plugs in through `ClientOptions.signalingTransport`.
 */
export interface SignalingTransport {
  readonly state: SignalingState;
  readonly welcome: Welcome | undefined;
  /** Connects and says hello; resolves with `welcome`. */
  start(): Promise<Welcome>;
  /** Sends a request and resolves with its reply (`ack`, `joined`…); rejects with the server's error. */
  request(msg: Outgoing, timeoutMs?: number): Promise<ServerMessage>;
  /** Sends without waiting for an answer. */
  send(msg: Outgoing): void;
  /** Ends the session. */
  close(): Promise<void>;
  /** Drops the link as a network failure would (the transport then recovers by itself). */
  dropConnection(): void;
  /**
   * Whether this side opens the connection to a peer found in the room. Without it the signaling rule holds:
   * the newcomer connects to the peers `joined` lists and waits for those that arrive later. A discovery
   * transport (tracker, DHT) has no newcomer order and answers this for every pair, one side only.
   */
  initiatesTo?(peerId: string): boolean;
}

export type SignalingTransportFactory = (opts: SignalingSessionOptions) => SignalingTransport;
