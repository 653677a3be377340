/** The lean HTTP/1.1 front: keep-alive, pipelining in order, HTTP/1.0 close, admin routes on lean connections. */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { startTracker, type StartedTracker } from "./start-tracker.js";
import { announceQuery, withDeadline } from "./clients.js";

/** Sends raw bytes on one connection and collects everything until the server closes or `until` matches. */
function exchange(port: number, data: string, until?: (text: string) => boolean): Promise<string> {
  return withDeadline(
    new Promise((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => s.write(data));
      let text = "";
      s.on("data", (d: Buffer) => {
        text += d.toString("latin1");
        if (until?.(text)) {
          s.destroy();
          resolve(text);
        }
      });
      s.on("close", () => resolve(text));
      s.on("error", reject);
    }),
  );
}

const count = (text: string, what: string): number => text.split(what).length - 1;

describe("lean HTTP front", () => {
  let t: StartedTracker;
  beforeAll(async () => {
    t = await startTracker();
  });
  afterAll(() => t.close());
  const get = (q: string, extra = ""): string => `GET /announce?${q} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

  it("answers pipelined announces in order on one keep-alive connection", async () => {
    const h = randomBytes(20);
    const reqs = [1, 2, 3].map((n) => get(announceQuery({ infoHash: h, peerId: randomBytes(20), port: n })));
    const text = await exchange(t.httpPort, reqs.join(""), (x) => count(x, "min intervali") === 3);
    assert.equal(count(text, "HTTP/1.1 200 OK"), 3);
    assert.equal(count(text, "connection: keep-alive"), 3);
    // the third reply lists the two peers before it: incomplete grows 1, 2, 3
    assert.deepEqual(
      [...text.matchAll(/incompletei(\d+)e/g)].map((m) => m[1]),
      ["1", "2", "3"],
    );
  });

  it("closes after the reply for HTTP/1.0 and for Connection: close", async () => {
    const q = announceQuery({ infoHash: randomBytes(20), peerId: randomBytes(20), port: 9 });
    const v10 = await exchange(t.httpPort, `GET /announce?${q} HTTP/1.0\r\n\r\n`);
    assert.match(v10, /connection: close/);
    const closing = await exchange(t.httpPort, get(q, "Connection: close\r\n"));
    assert.match(closing, /^HTTP\/1.1 200/);
  });

  it("serves admin routes met on a lean connection, and refuses bodies", async () => {
    const q = announceQuery({ infoHash: randomBytes(20), peerId: randomBytes(20), port: 9 });
    const text = await exchange(t.httpPort, get(q) + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", (x) =>
      x.includes('"status"'),
    );
    assert.match(text, /HTTP\/1.1 200 OK[\s\S]*HTTP\/1.1 200 OK[\s\S]*"status":"ok"/);
    const post = await exchange(
      t.httpPort,
      get(q) + "POST /announce HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert.match(post, /HTTP\/1.1 400/);
  });

  it("hands first requests that are not announces to fastify (404, health)", async () => {
    const text = await exchange(t.httpPort, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert.match(text, /^HTTP\/1.1 404/);
    assert.equal((await fetch(`${t.url}/health`)).status, 200);
  });
});
