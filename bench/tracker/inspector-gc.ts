/**
 * Full garbage collections in another Node process over its inspector, so a memory reading finds V8 in a known
 * state: the process is started with `--inspect=127.0.0.1:0` (the benchmark only), its inspector's WebSocket URL
 * is read from the "Debugger listening on ws://…" line it writes to stderr, and before a reading a short session
 * sends the Chrome DevTools Protocol's `HeapProfiler.collectGarbage` (V8 collects all available garbage, both
 * generations, with compaction) twice, an event-loop turn apart, and closes again. No domain is enabled (no
 * `Debugger.enable`: code is not deoptimised), and between readings no session is open, so the inspector is idle
 * while load runs.
 */
import type { Readable } from "node:stream";
import WebSocket from "ws";

/** The node flag that opens the inspector on a free loopback port. */
export const INSPECT_FLAG = "--inspect=127.0.0.1:0";

const LISTENING = /Debugger listening on (ws:\/\/\S+)/;
/** Lines the inspector writes on each session (not the service's own output). */
const INSPECTOR_NOISE =
  /^(Debugger listening on ws:|Debugger attached\.|Debugger ending on ws:|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Waiting for the debugger to disconnect)/;

/**
 * Reads a child's stderr: resolves with the inspector's URL once announced, and passes every other line to
 * `forward` (by default this process's stderr: the service's own errors stay visible). Rejects if stderr ends first
 * or after `timeoutMs`.
 */
export function inspectorUrl(
  stderr: Readable,
  timeoutMs = 30_000,
  forward = (line: string): void => void process.stderr.write(`${line}\n`),
): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = "";
    let found = false;
    const timer = setTimeout(() => {
      if (!found) reject(new Error("the inspector did not announce its URL"));
    }, timeoutMs);
    stderr.setEncoding("utf8");
    stderr.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const m = LISTENING.exec(line);
        if (m?.[1] && !found) {
          found = true;
          clearTimeout(timer);
          resolve(m[1]);
        }
        if (!INSPECTOR_NOISE.test(line) && line !== "") forward(line);
      }
    });
    stderr.on("end", () => {
      clearTimeout(timer);
      if (!found) reject(new Error("the process ended before its inspector was listening"));
    });
  });
}

const text = (data: WebSocket.RawData): string => {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(new Uint8Array(data)).toString("utf8");
};

/**
 * Forces full collections in the process behind `url`: `rounds` × `HeapProfiler.collectGarbage`, `turnMs` apart
 * (V8 frees ArrayBuffer backing stores from a concurrent sweep after the pause). Each reply is awaited (the
 * collection is done when it arrives); rejects on a protocol error or after `timeoutMs`.
 */
export async function collectGarbage(
  url: string,
  rounds = 2,
  turnMs = 200,
  timeoutMs = 30_000,
): Promise<void> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  let failure: Error | undefined;
  // An error is followed by "close", which rejects whatever is awaited.
  socket.on("error", (err) => (failure ??= err));
  const timer = setTimeout(() => {
    failure ??= new Error(`no reply from the inspector within ${timeoutMs} ms`);
    socket.terminate();
  }, timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("close", () => reject(failure ?? new Error("the inspector refused the session")));
    });
    for (let id = 1; id <= rounds; id++) {
      const reply = new Promise<void>((resolve, reject) => {
        const onMessage = (data: WebSocket.RawData): void => {
          const m = JSON.parse(text(data)) as { id?: number; error?: { message?: string } };
          if (m.id !== id) return;
          socket.off("message", onMessage);
          socket.off("close", onClose);
          if (m.error) reject(new Error(`HeapProfiler.collectGarbage: ${m.error.message ?? "failed"}`));
          else resolve();
        };
        const onClose = (): void => reject(failure ?? new Error("the inspector closed the session"));
        socket.on("message", onMessage);
        socket.once("close", onClose);
      });
      socket.send(JSON.stringify({ id, method: "HeapProfiler.collectGarbage" }));
      await reply;
      await new Promise((r) => setTimeout(r, turnMs));
    }
  } finally {
    clearTimeout(timer);
    if (socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((r) => socket.once("close", r));
      socket.close();
      await closed;
    }
  }
}
