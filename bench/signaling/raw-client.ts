// A minimal WebSocket client for load generation (RFC 6455 over a plain net.Socket): cheaper per message than
// a full client so that one generator core can outrun the server under test. Text frames only, zero mask
// (valid: servers must unmask whatever key is used), writes coalesced per event-loop turn. Received frames
// are not decoded: callers scan the byte stream for the markers they need.
import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";

const corked = new Set<Socket>();
let scheduled = false;
const flush = () => {
  scheduled = false;
  for (const s of corked) s.uncork();
  corked.clear();
};

export class RawWs {
  readonly socket: Socket;
  #tail = "";
  #listeners: ((text: string, freshFrom: number) => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
  }

  static connect(port: number, path: string): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      const key = randomBytes(16).toString("base64");
      let head = "";
      const onHead = (chunk: Buffer) => {
        head += chunk.toString("latin1");
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onHead);
        if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(head.split("\r\n")[0]));
        const ws = new RawWs(socket);
        socket.on("data", (c: Buffer) => ws.#onData(c.toString("latin1")));
        resolve(ws);
        const rest = head.slice(end + 4);
        if (rest) queueMicrotask(() => ws.#onData(rest));
      };
      socket.on("data", onHead);
      socket.on("error", reject);
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  }

  /** Called with the received stream (latin1) since the last call, plus a little overlap before it. */
  onText(listener: (text: string, freshFrom: number) => void): void {
    this.#listeners.push(listener);
  }

  /** Waits until the stream contains a match of `re`. */
  waitFor(re: RegExp, ms = 15_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for ${String(re)}`)), ms);
      let seen = "";
      const l = (text: string, freshFrom: number) => {
        seen += text.slice(freshFrom);
        const m = re.exec(seen);
        if (m) {
          clearTimeout(timer);
          this.#listeners = this.#listeners.filter((x) => x !== l);
          resolve(m);
        }
      };
      this.#listeners.push(l);
    });
  }

  send(text: string): void {
    const payload = Buffer.from(text, "utf8");
    const len = payload.length;
    const header =
      len < 126
        ? Buffer.from([0x81, 0x80 | len, 0, 0, 0, 0])
        : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255, 0, 0, 0, 0]);
    if (!corked.has(this.socket)) {
      this.socket.cork();
      corked.add(this.socket);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }
    this.socket.write(header);
    this.socket.write(payload);
  }

  close(): void {
    this.socket.destroy();
  }

  #onData(chunk: string): void {
    const text = this.#tail + chunk;
    const freshFrom = this.#tail.length;
    this.#tail = text.slice(-96);
    for (const l of this.#listeners) l(text, freshFrom);
  }
}
