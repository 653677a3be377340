import type { ServerMessage } from "@switchboard/protocol";
import { SwitchboardError } from "../errors.js";
import type { ClientOptions } from "../options.js";
import type { Outgoing, Welcome } from "../signaling/session.js";
import type { SignalingState } from "../signaling/state.js";
import type { SignalingTransport, SignalingTransportFactory } from "../signaling/transport.js";
import type { WebSocketConstructor } from "../signaling/websocket.js";

/**
 * The transport factory for `discovery: "tracker" | "dht"` (undefined for signaling, the default). The discovery
 * code itself (`create.ts` and what it imports: the session, the wires, the sealed frames) is loaded with a
 * dynamic `import()` when the client starts, so the browser build keeps it in a chunk of its own that a page
 * using signaling never fetches.
 */
export function discoveryTransport(
  opts: ClientOptions,
  WebSocket: WebSocketConstructor,
): SignalingTransportFactory | undefined {
  if ((opts.discovery ?? "signaling") === "signaling") return undefined;
  return (s) =>
    new DeferredTransport(async () => {
      const { createDiscoveryTransport } = await import("./create.js");
      const transport = createDiscoveryTransport(opts, WebSocket, s);
      if (!transport) throw new SwitchboardError("invalid_argument", `no ${opts.discovery} wire`);
      return transport;
    });
}

/** A transport whose implementation is loaded on `start()`; until then it is "connecting" and sends nothing. */
export class DeferredTransport implements SignalingTransport {
  readonly #load: () => Promise<SignalingTransport>;
  #inner: SignalingTransport | undefined;
  #closed = false;

  constructor(load: () => Promise<SignalingTransport>) {
    this.#load = load;
  }

  get state(): SignalingState {
    return this.#inner?.state ?? (this.#closed ? "closed" : "connecting");
  }

  get welcome(): Welcome | undefined {
    return this.#inner?.welcome;
  }

  async start(): Promise<Welcome> {
    if (this.#closed) throw new SwitchboardError("signaling_closed", "the client was closed");
    this.#inner ??= await this.#load();
    if (this.#closed) {
      await this.#inner.close();
      throw new SwitchboardError("signaling_closed", "the client was closed");
    }
    return this.#inner.start();
  }

  request(msg: Outgoing, timeoutMs?: number): Promise<ServerMessage> {
    if (!this.#inner) return Promise.reject(new SwitchboardError("signaling_closed", "not started"));
    return this.#inner.request(msg, timeoutMs);
  }

  send(msg: Outgoing): void {
    this.#inner?.send(msg);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#inner?.close();
  }

  dropConnection(): void {
    this.#inner?.dropConnection();
  }

  initiatesTo(peerId: string): boolean {
    return this.#inner?.initiatesTo?.(peerId) ?? false;
  }
}
