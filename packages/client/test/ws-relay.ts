/** A WebSocket man-in-the-middle in front of signaling: forwards frames, can cut every link or rewrite frames. */
import { WebSocket, WebSocketServer } from "ws";

export interface WsRelay {
  readonly url: string;
  /**
   * Rewrites client → server text frames (default: as is); `null` drops the frame. A promise holds the frame (and
   * the later ones of the same client, which keep their order) until it settles.
   */
  tamper: (text: string) => string | null | Promise<string | null>;
  /** Sees each server → client text frame (default: nothing). */
  observe: (text: string) => void;
  /**
   * Forwards the client's URL query (the protocol features it asks for) to the server: true by default, as any
   * proxy would; false makes the server see a client that asked for nothing (what a server of before those
   * features does with any client).
   */
  keepQuery: boolean;
  /** Terminates every proxied connection (both sides), as a network cut would. */
  cutAll(): void;
  close(): Promise<void>;
}

export async function startWsRelay(target: string): Promise<WsRelay> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  const pairs = new Set<[WebSocket, WebSocket]>();
  const relay: WsRelay = {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`,
    tamper: (t) => t,
    observe: () => undefined,
    keepQuery: true,
    cutAll() {
      for (const [a, b] of pairs) {
        a.terminate();
        b.terminate();
      }
      pairs.clear();
    },
    async close() {
      relay.cutAll();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
  wss.on("connection", (client, req) => {
    const q = (req.url ?? "").indexOf("?");
    const upstream = new WebSocket(relay.keepQuery && q >= 0 ? target + (req.url ?? "").slice(q) : target);
    const pair: [WebSocket, WebSocket] = [client, upstream];
    pairs.add(pair);
    const early: string[] = [];
    const forward = (text: string | null) => {
      if (text === null) return;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else early.push(text);
    };
    let held: Promise<void> | undefined; // frames wait behind a held one, in order
    client.on("message", (data) => {
      const text = (data as Buffer).toString("utf8");
      if (held) {
        held = held.then(async () => forward(await relay.tamper(text)));
        return;
      }
      const out = relay.tamper(text);
      if (typeof out === "string" || out === null) return forward(out);
      const mine: Promise<void> = out.then(forward).finally(() => {
        if (held === mine) held = undefined;
      });
      held = mine;
    });
    upstream.on("open", () => {
      for (const t of early.splice(0)) upstream.send(t);
    });
    upstream.on("message", (data) => {
      const text = (data as Buffer).toString("utf8");
      relay.observe(text);
      if (client.readyState === WebSocket.OPEN) client.send(text);
    });
    const end = () => {
      pairs.delete(pair);
      client.terminate();
      upstream.terminate();
    };
    client.on("close", end);
    upstream.on("close", end);
    upstream.on("error", end);
    client.on("error", end);
  });
  return relay;
}
