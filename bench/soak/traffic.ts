/**
 * Mixed valid and invalid traffic for each service, paced (the soak looks for leaks, not throughput). Every
 * generator counts what it sent and what failed unexpectedly; invalid traffic is expected to be refused.
 */
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { WebSocket } from "ws";
import { TestTurnClient, errorCode } from "@switchboard/test-support";

export interface Counts {
  valid: number;
  invalid: number;
  /** Valid requests that got no or a wrong answer. */
  unexpected: number;
}

export interface Traffic {
  readonly counts: Counts;
  stop(): Promise<void>;
}

/** Runs `step` every `everyMs` until stopped (one at a time; a step that throws counts as unexpected). */
function loop(counts: Counts, everyMs: number, step: () => Promise<void>): { stop(): Promise<void> } {
  let running = true;
  const done = (async () => {
    while (running) {
      const next = Date.now() + everyMs;
      try {
        await step();
      } catch {
        counts.unexpected++;
      }
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

function combine(counts: Counts, loops: Array<{ stop(): Promise<void> }>, close: () => void): Traffic {
  return {
    counts,
    stop: async () => {
      await Promise.all(loops.map((l) => l.stop()));
      close();
    },
  };
}

const pct = (b: Uint8Array): string => Array.from(b, (x) => `%${x.toString(16).padStart(2, "0")}`).join("");

function httpText(agent: Agent, url: string, method = "GET", body?: string): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent, method, headers: body ? { "content-type": "application/json" } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve([res.statusCode ?? 0, Buffer.concat(chunks).toString("latin1")]));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

/** A UDP socket that sends datagrams and waits (up to 2 s) for the reply whose `keyOf` matches. */
function udpClient(port: number, keyOf: (reply: Buffer) => number) {
  const socket = createSocket("udp4");
  const waiting = new Map<number, (b: Buffer) => void>();
  socket.on("message", (msg) => {
    if (msg.length < 12) return;
    const k = keyOf(msg);
    waiting.get(k)?.(msg);
    waiting.delete(k);
  });
  return {
    socket,
    ask(body: Buffer, key: number): Promise<Buffer> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          waiting.delete(key);
          reject(new Error("no udp reply"));
        }, 2000);
        waiting.set(key, (b) => {
          clearTimeout(t);
          resolve(b);
        });
        socket.send(body, port, "127.0.0.1");
      });
    },
    fire(body: Buffer): void {
      socket.send(body, port, "127.0.0.1");
    },
    close: () => socket.close(),
  };
}

function wsOnce(url: string, frames: (ws: WebSocket) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const t = setTimeout(() => {
      ws.terminate();
      reject(new Error("websocket timeout"));
    }, 5000);
    ws.on("error", (err) => {
      clearTimeout(t);
      reject(err);
    });
    ws.on("open", () => {
      frames(ws).then(
        () => {
          clearTimeout(t);
          ws.close();
          ws.once("close", () => resolve());
        },
        (err: unknown) => {
          clearTimeout(t);
          ws.terminate();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  });
}

/** Resolves with the next message that satisfies `pred`. */
function nextMessage(
  ws: WebSocket,
  pred: (m: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (data: Buffer): void => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (pred(m)) {
        ws.off("message", on);
        resolve(m);
      }
    };
    ws.on("message", on);
  });
}

/** Tracker: HTTP and UDP announces of a fixed population, WebSocket connections opened and closed; bad input. */
export function trackerTraffic(o: { httpPort: number; udpPort: number }): Traffic {
  const counts: Counts = { valid: 0, invalid: 0, unexpected: 0 };
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const swarms = Array.from({ length: 40 }, () => randomBytes(20));
  const peers = Array.from({ length: 2000 }, (_, i) => ({
    h: swarms[i % 40] ?? Buffer.alloc(20),
    id: randomBytes(20),
  }));
  const pick = () => peers[Math.floor(Math.random() * peers.length)] as { h: Buffer; id: Buffer };
  const base = `http://127.0.0.1:${o.httpPort}`;
  // BEP 15 replies carry the transaction id at bytes 4..8.
  const udp = udpClient(o.udpPort, (r) => r.readUInt32BE(4));
  const loops = [
    loop(counts, 10, async () => {
      const p = pick();
      const [status, body] = await httpText(
        agent,
        `${base}/announce?info_hash=${pct(p.h)}&peer_id=${pct(p.id)}&port=6881&uploaded=0&downloaded=0&left=1&compact=1`,
      );
      counts.valid++;
      if (status !== 200 || body.includes("failure reason")) counts.unexpected++;
    }),
    loop(counts, 20, async () => {
      const tid = randomBytes(4).readUInt32BE(0);
      const c = Buffer.alloc(16);
      c.writeBigUInt64BE(0x41727101980n, 0);
      c.writeUInt32BE(tid, 12);
      const conn = await udp.ask(c, tid);
      const p = pick();
      const a = Buffer.alloc(98);
      conn.copy(a, 0, 8, 16);
      a.writeUInt32BE(1, 8);
      const tid2 = randomBytes(4).readUInt32BE(0);
      a.writeUInt32BE(tid2, 12);
      a.set(p.h, 16);
      a.set(p.id, 36);
      a.writeInt32BE(-1, 92);
      a.writeUInt16BE(6882, 96);
      const r = await udp.ask(a, tid2);
      counts.valid++;
      if (r.readUInt32BE(0) !== 1) counts.unexpected++;
    }),
    loop(counts, 200, async () => {
      const p = pick();
      await wsOnce(`ws://127.0.0.1:${o.httpPort}/announce`, async (ws) => {
        const reply = nextMessage(ws, () => true);
        ws.send(
          JSON.stringify({
            action: "announce",
            info_hash: p.h.toString("latin1"),
            peer_id: randomBytes(20).toString("latin1"),
            numwant: 0,
          }),
        );
        const r = await reply;
        counts.valid++;
        if (r["failure reason"] !== undefined) counts.unexpected++;
        const bad = nextMessage(ws, () => true);
        ws.send("{not json");
        await bad;
        counts.invalid++;
      });
    }),
    loop(counts, 50, async () => {
      await httpText(agent, `${base}/announce?info_hash=short&peer_id=x&port=1`);
      udp.fire(randomBytes(10));
      counts.invalid += 2;
    }),
  ];
  return combine(counts, loops, () => {
    udp.close();
    agent.destroy();
  });
}

/** Signaling: sessions that join a room, signal and chat, then leave; meetings created and read; bad input. */
export function signalingTraffic(o: { port: number }): Traffic {
  const counts: Counts = { valid: 0, invalid: 0, unexpected: 0 };
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const base = `http://127.0.0.1:${o.port}`;
  const ws = `ws://127.0.0.1:${o.port}/ws`;
  const session = (roomId: string, body: (w: WebSocket, self: string) => Promise<void>) =>
    wsOnce(ws, async (w) => {
      const welcome = nextMessage(w, (m) => m.type === "welcome");
      w.send(JSON.stringify({ v: 1, type: "hello", id: "h" }));
      const self = String((await welcome).sessionId);
      const joined = nextMessage(w, (m) => m.id === "j");
      w.send(JSON.stringify({ v: 1, id: "j", type: "join", roomId }));
      if ((await joined).type !== "joined") counts.unexpected++;
      await body(w, self);
      const bye = nextMessage(w, (m) => m.id === "b");
      w.send(JSON.stringify({ v: 1, id: "b", type: "bye" }));
      await bye;
    });
  const loops = [
    loop(counts, 100, async () => {
      const roomId = `soak-${randomBytes(4).toString("hex")}`;
      await session(roomId, async (w) => {
        const ack = nextMessage(w, (m) => m.id === "c");
        w.send(JSON.stringify({ v: 1, id: "c", type: "chat", roomId, text: "hello" }));
        if ((await ack).type !== "ack") counts.unexpected++;
        const err = nextMessage(w, (m) => m.type === "error");
        w.send("{not json");
        await err;
        const unknown = nextMessage(w, (m) => m.id === "s");
        w.send(
          JSON.stringify({
            v: 1,
            id: "s",
            type: "signal",
            roomId,
            to: "nobody",
            data: { kind: "ice-restart" },
          }),
        );
        await unknown;
        counts.valid += 4;
        counts.invalid += 2;
      });
    }),
    loop(counts, 50, async () => {
      const [status, body] = await httpText(agent, `${base}/api/meetings`, "POST", "{}");
      counts.valid++;
      if (status !== 201) counts.unexpected++;
      const roomId = (JSON.parse(body) as { meeting: { roomId: string } }).meeting.roomId;
      const [s2] = await httpText(agent, `${base}/api/meetings/${roomId}`);
      counts.valid++;
      if (s2 !== 200) counts.unexpected++;
      await httpText(agent, `${base}/api/meetings/no-such-room`);
      await httpText(agent, `${base}/api/meetings`, "POST", "[1,2");
      counts.invalid += 2;
    }),
  ];
  return combine(counts, loops, () => agent.destroy());
}

/** A STUN Binding request (RFC 8489) with a random transaction id. */
function bindingRequest(): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(b, 8);
  return b;
}
/** STUN replies are matched on the first 4 bytes of their transaction id. */
const stunKey = (b: Buffer): number => b.readUInt32BE(8);

/** STUN: Binding requests and garbage over UDP. */
export function stunTraffic(o: { port: number }): Traffic {
  const counts: Counts = { valid: 0, invalid: 0, unexpected: 0 };
  const udp = udpClient(o.port, stunKey);
  const loops = [
    loop(counts, 5, async () => {
      const req = bindingRequest();
      const r = await udp.ask(req, stunKey(req));
      counts.valid++;
      if (r.readUInt16BE(0) !== 0x0101) counts.unexpected++;
    }),
    loop(counts, 20, () => {
      udp.fire(randomBytes(30));
      counts.invalid++;
      return Promise.resolve();
    }),
  ];
  return combine(counts, loops, () => udp.close());
}

/** TURN: allocations made and released with a static user, unauthenticated Allocates, Bindings and garbage. */
export function turnTraffic(o: { port: number; username: string; password: string }): Traffic {
  const counts: Counts = { valid: 0, invalid: 0, unexpected: 0 };
  const udp = udpClient(o.port, stunKey);
  const loops = [
    loop(counts, 100, async () => {
      const c = new TestTurnClient({
        transport: "udp",
        server: { address: "127.0.0.1", port: o.port },
        username: o.username,
        password: o.password,
      });
      await c.open();
      try {
        const a = await c.allocate();
        counts.valid++;
        if (errorCode(a) !== undefined) counts.unexpected++;
        const r = await c.refresh(0);
        counts.valid++;
        if (errorCode(r) !== undefined) counts.unexpected++;
      } finally {
        c.close();
      }
    }),
    loop(counts, 20, async () => {
      const req = bindingRequest();
      const r = await udp.ask(req, stunKey(req));
      counts.valid++;
      if (r.readUInt16BE(0) !== 0x0101) counts.unexpected++;
      const alloc = bindingRequest();
      alloc.writeUInt16BE(0x0003, 0);
      udp.fire(alloc);
      udp.fire(randomBytes(30));
      counts.invalid += 2;
    }),
  ];
  return combine(counts, loops, () => udp.close());
}
