/** Loads the compiled addon (dist/batch-udp.node, built by scripts/build-native.mjs) when there is one. */
import { createRequire } from "node:module";

/** The memory and limits the addon shares with JavaScript (see the layout in src/native/batch-udp.c). */
export interface NativeArenas {
  readonly recvData: ArrayBuffer;
  readonly recvMeta: ArrayBuffer;
  readonly sendData: ArrayBuffer;
  readonly sendMeta: ArrayBuffer;
  readonly slots: number;
  readonly slotBytes: number;
  readonly sendSlots: number;
  readonly sendBytes: number;
}

export interface NativeBinding {
  init(onReceive: (count: number) => void): NativeArenas;
  /** → [socket id, bound port]; throws a Node-style errno error (`code`, `syscall`, `address`, `port`). */
  open(
    family: number,
    address: string,
    port: number,
    flags: number,
    recvBufferBytes: number,
    sendBufferBytes: number,
  ): [number, number];
  close(id: number): void;
  ref(id: number, on: boolean): void;
  /** Sends the first `count` queued datagrams; → how many could not be sent (each marked in its metadata). */
  flush(count: number): number;
  /**
   * Offers socket `id`'s datagrams to a C handler first (an external made by another addon, see
   * src/native/datagram-handler.h), or stops (undefined); → false when there is no such open socket.
   */
  attachNativeHandler(id: number, handler: NativeHandler | undefined): boolean;
  /** [datagrams native handlers answered or consumed, their replies the kernel refused], process-wide. */
  nativeHandlerCounts(): [number, number];
  /** The package's test handler: answers "echo:<x>" with "echoed:<x>", consumes "drop", passes the rest. */
  testEchoHandler(): NativeHandler;
}

/** An external wrapping a `sb_datagram_handler_t*` (src/native/datagram-handler.h); opaque to JavaScript. */
export type NativeHandler = object;

export const FLAG_REUSEPORT = 1;
export const FLAG_IPV6ONLY = 2;
/** Bit of metadata word 3 that flush() sets on a datagram it could not send. */
export const SEND_FAILED = 1 << 16;
/** Bit of metadata word 3 set on a received datagram larger than its slot. */
export const RECV_TRUNCATED = 1 << 8;
/** Bytes of metadata per datagram. */
export const META_BYTES = 32;

let loaded: { binding?: NativeBinding; reason?: string } | undefined;

/** The addon, or why there is none (not Linux, not built, failed to load). */
export function loadNativeBinding(): { binding?: NativeBinding; reason?: string } {
  if (loaded !== undefined) return loaded;
  if (process.platform !== "linux") {
    loaded = { reason: `recvmmsg/sendmmsg are Linux-only (this is ${process.platform})` };
    return loaded;
  }
  try {
    const require = createRequire(import.meta.url);
    // src/ and dist/ both sit one level below the package root.
    loaded = { binding: require("../dist/batch-udp.node") as NativeBinding };
  } catch (err) {
    loaded = { reason: `dist/batch-udp.node did not load (${(err as Error).message.split("\n")[0]})` };
  }
  return loaded;
}
