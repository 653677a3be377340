/**
 * One load-generator process: PAIRS pairs of allocations whose channels point at each other's relay address,
 * so every ChannelData a client sends crosses the server twice (client→relay A→relay B→client). Each client
 * keeps WINDOW packets circulating (closed loop: a packet received is sent back), re-priming after losses.
 * Talks to the parent over IPC: "ready" (with allocation timing), then counts every 250 ms until "stop".
 */
import { encodeChannelData } from "@switchboard/stun-codec";
import { TurnSession } from "./turn-session.js";

interface Setup {
  server: { address: string; port: number };
  /** TURN REST API credentials (made by the parent, so a server without shared-secret auth can list them). */
  username: string;
  password: string;
  pairs: number;
  /**
   * How clients hand packets to the server: ChannelData (the fast path every WebRTC stack uses once a channel is
   * bound) or Send indications (for servers that ignore ChannelData from clients, e.g. node-turn 0.0.6). The
   * server delivers to the other client as ChannelData either way (the channels are bound both ways).
   */
  clientSend: "channel" | "indication";
  window: number;
  payload: number;
  id: number;
}

const CHANNEL = 0x4000;

function send(msg: unknown): void {
  process.send?.(msg);
}

async function inBatches<T>(items: readonly T[], size: number, f: (t: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(f));
}

async function main(setup: Setup): Promise<void> {
  const { username, password } = setup;
  const sessions = Array.from(
    { length: setup.pairs * 2 },
    () => new TurnSession({ server: setup.server, username, password }),
  );
  await Promise.all(sessions.map((s) => s.open()));
  const t0 = process.hrtime.bigint();
  await inBatches(sessions, 32, (s) => s.allocate());
  const allocSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const pairs: Array<[TurnSession, TurnSession]> = [];
  for (let i = 0; i < sessions.length; i += 2) pairs.push([sessions[i], sessions[i + 1]]);
  await inBatches(pairs, 16, async ([a, b]) => {
    if (!a.relay || !b.relay) throw new Error("no relay");
    await a.channelBind(CHANNEL, b.relay);
    await b.channelBind(CHANNEL, a.relay);
  });
  const payload = new Uint8Array(setup.payload);
  const channelFrame = encodeChannelData(CHANNEL, payload);
  // Each session's packet: ChannelData, or a Send indication to its partner's relay address.
  const frames = sessions.map((s, i) => {
    if (setup.clientSend === "channel") return channelFrame;
    const partner = sessions[i ^ 1]?.relay;
    if (!partner) throw new Error("no relay");
    return s.sendIndication(partner, payload);
  });
  let received = 0;
  let running = false;
  const perSession = new Array<number>(sessions.length).fill(0);
  sessions.forEach((s, i) => {
    s.onChannelData = () => {
      received++;
      perSession[i] = (perSession[i] ?? 0) + 1;
      if (running) s.send(frames[i] ?? channelFrame);
    };
  });
  send({ type: "ready", allocations: sessions.length, allocSeconds });
  const prime = (s: TurnSession, i: number) => {
    for (let k = 0; k < setup.window; k++) s.send(frames[i] ?? channelFrame);
  };
  let tick: NodeJS.Timeout | undefined;
  process.on("message", (msg: { type: string }) => {
    if (msg.type === "go") {
      running = true;
      sessions.forEach(prime);
      let last = [...perSession];
      tick = setInterval(() => {
        send({ type: "count", received });
        // Re-prime a pair whose packets were all lost (nothing arrived on either side since the last tick).
        for (let i = 0; i < sessions.length; i += 2) {
          if (perSession[i] === last[i] && perSession[i + 1] === last[i + 1]) prime(sessions[i], i);
        }
        last = [...perSession];
      }, 250);
    } else if (msg.type === "stop") {
      running = false;
      clearInterval(tick);
      send({ type: "count", received });
      for (const s of sessions) s.close();
      setTimeout(() => process.exit(0), 50);
    }
  });
}

process.once("message", (setup: Setup) => {
  main(setup).catch((err: unknown) => {
    send({ type: "error", message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  });
});
