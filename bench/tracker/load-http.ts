/**
 * HTTP announce load: `connections` sockets, each with one request in flight, keep-alive when the server allows it
 * (opentracker closes after every reply, so those connections reconnect). Minimal HTTP/1.1 parsing.
 */
import { connect, type Socket } from "node:net";
import { infoHash, pairOf, peerId, peerLeft, peerPort } from "./population.js";
import type { Latencies } from "./measure.js";

const enc = (b: Buffer): string => {
  let s = "";
  for (const x of b) s += x < 16 ? `%0${x.toString(16)}` : `%${x.toString(16)}`;
  return s;
};
const hashText = new Map<number, string>();
const idText = new Map<number, string>();

function requestFor(k: number, path: string): string {
  const [t, p] = pairOf(k);
  let h = hashText.get(t);
  if (h === undefined) hashText.set(t, (h = enc(infoHash(t))));
  let id = idText.get(p);
  if (id === undefined) idText.set(p, (id = enc(peerId(p))));
  return (
    `GET ${path}?info_hash=${h}&peer_id=${id}&port=${peerPort(p)}&uploaded=0&downloaded=0&left=${peerLeft(p)}` +
    `&compact=1&numwant=50 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`
  );
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
}

export interface HttpLoadOptions {
  port: number;
  path: string;
  connections: number;
  seconds: number;
  /** Next request index (shared counter across phases). */
  next: () => number;
  latencies: Latencies;
}

export function runHttpLoad(o: HttpLoadOptions): Promise<LoadResult> {
  const end = performance.now() + o.seconds * 1000;
  let requests = 0;
  let errors = 0;
  let open = 0;
  return new Promise((resolve) => {
    const started = performance.now();
    const finish = (): void => {
      if (--open === 0) resolve({ requests, errors, seconds: (performance.now() - started) / 1000 });
    };
    const start = (): void => {
      open++;
      let socket: Socket;
      let buf: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      let closeAfter = false;
      const send = (): void => {
        if (performance.now() >= end) {
          socket.destroy();
          finish();
          return;
        }
        sentAt = performance.now();
        socket.write(requestFor(o.next(), o.path));
      };
      const dial = (): void => {
        socket = connect(o.port, "127.0.0.1");
        socket.setNoDelay(true);
        socket.on("connect", send);
        socket.on("data", (chunk: Buffer) => {
          buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
          const headEnd = buf.indexOf("\r\n\r\n");
          if (headEnd < 0) return;
          const head = buf.toString("latin1", 0, headEnd).toLowerCase();
          const len = Number(/content-length:\s*(\d+)/.exec(head)?.[1] ?? 0);
          if (buf.length < headEnd + 4 + len) return;
          const ok = head.startsWith("http/1.1 200") && !buf.includes("failure reason", headEnd);
          if (ok) {
            requests++;
            o.latencies.add(performance.now() - sentAt);
          } else {
            errors++;
            if (process.env.BENCH_DEBUG && errors < 3)
              console.error("bad reply", JSON.stringify(buf.toString("latin1", 0, 300)));
          }
          closeAfter = head.includes("connection: close");
          buf = buf.subarray(headEnd + 4 + len);
          if (closeAfter) {
            socket.removeAllListeners();
            socket.destroy();
            if (performance.now() >= end) finish();
            else dial();
          } else send();
        });
        socket.on("error", () => {
          errors++;
        });
        socket.on("close", () => {
          if (closeAfter) return;
          socket.removeAllListeners();
          if (performance.now() >= end) finish();
          else {
            buf = Buffer.alloc(0);
            dial();
          }
        });
      };
      dial();
    };
    for (let i = 0; i < o.connections; i++) start();
  });
}
