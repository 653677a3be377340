// A small WebSocket client of the signaling protocol (packages/protocol) for the deploy tests.
import WebSocket from "ws";
import type { ServerMessage, ClientMessage } from "@switchboard/protocol";

type Msg = ServerMessage & Record<string, unknown>;

export class SignalingClient {
  readonly #ws: WebSocket;
  readonly #inbox: Msg[] = [];
  readonly #waiters: { match: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    // Listen before `open`: the server may speak first.
    ws.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString()
        : Buffer.from(data as Buffer).toString();
      const msg = JSON.parse(text) as Msg;
      const i = this.#waiters.findIndex((w) => w.match(msg));
      if (i >= 0) this.#waiters.splice(i, 1)[0]?.resolve(msg);
      else this.#inbox.push(msg);
    });
    ws.on("close", () => (this.#closed = true));
  }

  /** Connects; `cookie` is sent as the Cookie header (nginx's signaling affinity reads `sb_affinity`). */
  static async connect(
    url: string,
    opts: { cookie?: string; timeoutMs?: number } = {},
  ): Promise<SignalingClient> {
    const ws = new WebSocket(url, { headers: opts.cookie ? { cookie: opts.cookie } : {} });
    const client = new SignalingClient(ws);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connect ${url}: timeout`)), opts.timeoutMs ?? 5000);
      ws.once("open", () => (clearTimeout(timer), resolve()));
      ws.once("error", (err) => (clearTimeout(timer), reject(err)));
      ws.once("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`connect ${url}: HTTP ${res.statusCode ?? "?"}`));
      });
    });
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(msg: ClientMessage): void {
    this.#ws.send(JSON.stringify(msg));
  }

  /** The next message (already received or to come) that `match` accepts. */
  next(match: (m: Msg) => boolean, what: string, timeoutMs = 5000): Promise<Msg> {
    const i = this.#inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#inbox.splice(i, 1)[0]);
    return new Promise<Msg>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: Msg) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.#inbox)}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  nextOfType(type: string, timeoutMs?: number): Promise<Msg> {
    return this.next((m) => m.type === type, type, timeoutMs);
  }

  /** hello → welcome. */
  async hello(): Promise<Msg> {
    this.send({ v: 1, type: "hello" });
    return this.next((m) => m.type === "welcome" || m.type === "error", "welcome");
  }

  close(): void {
    this.#ws.terminate();
  }
}
