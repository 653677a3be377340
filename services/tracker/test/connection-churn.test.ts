/**
 * Connections that come and go leave nothing behind (issue 16's soak): WebSocket connections opened, used (an
 * announce and a bad frame) and closed, HTTP keep-alive connections opened and dropped. After each round the
 * tracker holds no connection, no WebSocket peer, no descriptor and no heap that the round added.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { Agent, request } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { announceQuery, binary, WsTrackerClient } from "./clients.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const openDescriptors = (): number => readdirSync("/proc/self/fd").length;

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function httpGet(agent: Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    });
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

describe("connection churn", () => {
  let t: StartedTracker;
  const swarms = Array.from({ length: 5 }, () => randomBytes(20));
  beforeAll(async () => {
    t = await startTracker();
  }, 120_000);
  afterAll(() => t.close(), 120_000);

  /** `n` WebSocket connections (8 at a time) and `n` HTTP announces over 4 keep-alive connections, dropped. */
  async function round(n: number): Promise<void> {
    for (let i = 0; i < n; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, n - i) }, async (_, j) => {
          const ws = await new WsTrackerClient(`ws://127.0.0.1:${t.httpPort}/announce`).open();
          const h = swarms[(i + j) % swarms.length] ?? randomBytes(20);
          ws.send({ action: "announce", info_hash: binary(h), peer_id: binary(randomBytes(20)), numwant: 0 });
          assert.equal((await ws.next())["failure reason"], undefined);
          ws.send("{not json");
          assert.equal((await ws.next())["failure reason"], "invalid message");
          ws.close();
        }),
      );
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        httpGet(
          agent,
          `${t.url}/announce?${announceQuery({
            infoHash: swarms[i % swarms.length] ?? randomBytes(20),
            peerId: randomBytes(20),
            port: 6881,
            left: 1,
          })}`,
        ).then((body) => assert.ok(body.includes("8:complete"), body.slice(0, 80))),
      ),
    );
    agent.destroy();
  }

  it("frees every connection, WebSocket peer, descriptor and the heap a round used", async () => {
    // HTTP peers stay listed (they expire after the TTL); every WebSocket peer leaves with its connection.
    const listed = (): number => {
      const s = t.server.store.totals();
      return s.seeders + s.leechers;
    };
    const n = 240;
    // Warm-up as long as the measured part: JIT code, pools and caches that are made once (measured here: the
    // first three rounds grow the heap ~2 MiB, every further three by −0.5 to +0.4 MiB).
    for (let r = 0; r < 3; r++) await round(n);
    await until("the WebSocket peers to leave", () => listed() === 3 * n);
    gc();
    const fds0 = openDescriptors();
    const heap0 = process.memoryUsage().heapUsed;
    for (let r = 0; r < 3; r++) await round(n);
    await until("the WebSocket peers to leave", () => listed() === 6 * n);
    await until("descriptors to be released", () => openDescriptors() <= fds0 + 2);
    const res = await fetch(`${t.url}/stats`);
    assert.equal(((await res.json()) as { websocketConnections: number }).websocketConnections, 0);
    gc();
    const grown = process.memoryUsage().heapUsed - heap0;
    // 3 × 240 WebSocket connections and 3 × 240 HTTP announces; the 720 new HTTP peers' records are a few KB.
    // Measured without a leak: +1.3 to +2.2 MiB (one-off growth; further blocks of three rounds move it by −0.5
    // to +0.4 MiB). A WebSocket connection kept after it closed costs ~6 KB: keeping closed connections made
    // this test fail with +6.0 to +6.4 MiB.
    assert.ok(
      grown < 3.5 * 1024 * 1024,
      `heap grew ${Math.round(grown / 1024)} KiB over 720 WebSocket connections`,
    );
  }, 120_000);
});
