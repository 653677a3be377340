import type { Socket } from "node:net";
import type { WebSocket } from "ws";

/** The TCP socket under a server-side WebSocket (ws keeps it in `_socket`, a stable internal across ws 8). */
export function socketOf(ws: WebSocket): Socket | undefined {
  return (ws as unknown as { _socket?: Socket })._socket;
}

const corked = new Set<Socket>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  for (const s of corked) s.uncork();
  corked.clear();
}

/**
 * Coalesces the frames written to a socket during one event-loop turn into one write (cork now, uncork in
 * `setImmediate`): a relay that forwards many small frames to the same peer then makes one syscall instead of
 * one per frame. Frames are unchanged and stay in order.
 */
export function batchWrites(socket: Socket): void {
  if (corked.has(socket) || socket.destroyed) return;
  socket.cork();
  corked.add(socket);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}
