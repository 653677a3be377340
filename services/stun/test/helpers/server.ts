/** Starts the STUN service in-process on loopback for integration tests. */
import { createSocket, type Socket } from "node:dgram";
import { connect, type Socket as TcpSocket } from "node:net";
import { createLogger, createMetricsRegistry, type Clock, type Registry } from "@switchboard/runtime";
import { StreamFramer } from "@switchboard/stun-codec";
import { loadStunConfig } from "../../src/config.js";
import { createStunServer, type StunAddresses, type StunServer } from "../../src/server.js";

export interface TestServer {
  readonly server: StunServer;
  readonly addresses: StunAddresses;
  readonly registry: Registry;
  close(): Promise<void>;
}

/** A server on 127.0.0.1:0 (or what `env` says), logging nothing. */
export async function startTestServer(env: Record<string, string> = {}, clock?: Clock): Promise<TestServer> {
  const config = loadStunConfig({
    env: { STUN_HOST: "127.0.0.1", STUN_PORT: "0", LOG_LEVEL: "silent", ...env },
  });
  const registry = createMetricsRegistry();
  const logger = createLogger({ name: "stun-test", level: config.logLevel });
  const server = createStunServer({ config, logger, registry, ...(clock && { clock }) });
  const addresses = await server.listen();
  return { server, addresses, registry, close: () => server.close() };
}

/** Waits for `promise` at most `ms`, else rejects with `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `check` every 20 ms until it holds, failing after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Datagram {
  readonly data: Buffer;
  readonly address: string;
  readonly port: number;
}

/** A UDP client socket that queues what it receives. */
export class UdpClient {
  readonly socket: Socket;
  readonly #queue: Datagram[] = [];
  #waiter: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("message", (data, rinfo) => {
      this.#queue.push({ data, address: rinfo.address, port: rinfo.port });
      this.#waiter?.();
    });
  }

  static async open(address = "127.0.0.1"): Promise<UdpClient> {
    const socket = createSocket(address.includes(":") ? "udp6" : "udp4");
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new UdpClient(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(bytes: Uint8Array, port: number, address: string): void {
    this.socket.send(bytes, port, address);
  }

  /** The next datagram, or a rejection after `ms`. */
  async next(ms = 2000): Promise<Datagram> {
    const deadline = Date.now() + ms;
    while (this.#queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no datagram within ${ms} ms`);
      await within(new Promise<void>((resolve) => (this.#waiter = resolve)), left, "datagram").catch(
        () => undefined,
      );
    }
    return this.#queue.shift() as Datagram;
  }

  /** Resolves true if nothing arrives within `ms` (for "silently dropped" checks). */
  async silentFor(ms: number): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** A TCP client that cuts what it receives into STUN frames. */
export class TcpClient {
  readonly socket: TcpSocket;
  readonly #frames: Uint8Array[] = [];
  readonly #framer = new StreamFramer();
  #waiter: (() => void) | undefined;
  closed = false;

  private constructor(socket: TcpSocket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      for (const f of this.#framer.push(chunk)) this.#frames.push(Uint8Array.from(f));
      this.#waiter?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.#waiter?.();
    });
    socket.on("error", () => undefined);
  }

  static async open(port: number, host = "127.0.0.1"): Promise<TcpClient> {
    const socket = connect({ port, host });
    await within(new Promise<void>((resolve) => socket.once("connect", resolve)), 2000, "tcp connect");
    return new TcpClient(socket);
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  async next(ms = 2000): Promise<Uint8Array> {
    const deadline = Date.now() + ms;
    while (this.#frames.length === 0) {
      if (this.closed) throw new Error("connection closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${ms} ms`);
      await within(new Promise<void>((resolve) => (this.#waiter = resolve)), left, "frame").catch(
        () => undefined,
      );
    }
    return this.#frames.shift() as Uint8Array;
  }

  /** Resolves when the server closes the connection (or rejects after `ms`). */
  async closedWithin(ms: number): Promise<void> {
    if (this.closed) return;
    await within(new Promise<void>((resolve) => this.socket.once("close", () => resolve())), ms, "close");
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A server with RFC 5780 on 127.0.0.1 and 127.0.0.2 (both on Linux loopback without setup). The ports must be
 * fixed, so random ones are tried until a pair is free on both addresses.
 */
export async function startDualAddressServer(env: Record<string, string> = {}): Promise<TestServer> {
  let last: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    // Below the kernel ephemeral range (32768+), where other suites get their port-0 sockets.
    const port = 20_000 + Math.floor(Math.random() * 6_000) * 2;
    try {
      return await startTestServer({
        STUN_HOST: "127.0.0.1",
        STUN_PORT: String(port),
        STUN_ALT_HOST: "127.0.0.2",
        STUN_ALT_PORT: String(port + 1),
        ...env,
      });
    } catch (err) {
      last = err;
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    }
  }
  throw last;
}
