/** The portable backend: node:dgram, one callback per datagram. */
import { createSocket, type Socket, type SocketOptions } from "node:dgram";
import { isIP } from "node:net";
import { DatagramAddressError } from "./errors.js";
import { HandlerErrors } from "./handler-errors.js";
import type { AddressFamily, DatagramSocket, DatagramSocketOptions } from "./types.js";

/** Destinations are always IP literals: answer at once instead of a DNS round through the next tick. */
const literalLookup: NonNullable<SocketOptions["lookup"]> = (hostname, _options, callback) => {
  const family = isIP(hostname);
  if (family === 0) callback(new DatagramAddressError(hostname), "", 0);
  else callback(null, hostname, family);
};

/** `::ffff:192.0.2.1` (an IPv4 sender on a dual-stack socket) → `192.0.2.1`, as the native backend reports it. */
const unmap = (address: string): string =>
  address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;

export class DgramDatagramSocket implements DatagramSocket {
  readonly backend = "dgram" as const;
  readonly family: AddressFamily;
  readonly address: string;
  readonly port: number;
  readonly #socket: Socket;
  readonly #dualStack: boolean;
  readonly #onSendError: (() => void) | undefined;
  readonly #handlerErrors: HandlerErrors;
  #open = true;

  private constructor(socket: Socket, opts: DatagramSocketOptions) {
    this.#socket = socket;
    this.family = opts.family;
    this.address = opts.address;
    this.port = socket.address().port;
    this.#dualStack = opts.family === 6 && opts.ipv6Only !== true;
    this.#onSendError = opts.onSendError;
    socket.on("error", () => opts.onSendError?.());
    this.#handlerErrors = new HandlerErrors(opts.onHandlerError);
    socket.on("message", (data, rinfo) => {
      const family: AddressFamily = rinfo.family === "IPv6" ? 6 : 4;
      try {
        if (this.#dualStack && family === 6 && rinfo.address.startsWith("::ffff:"))
          opts.onMessage(data, unmap(rinfo.address), rinfo.port, 4);
        else opts.onMessage(data, rinfo.address, rinfo.port, family);
      } catch (err) {
        this.#handlerErrors.report(err);
      }
    });
  }

  get handlerErrors(): number {
    return this.#handlerErrors.count;
  }

  static open(opts: DatagramSocketOptions): Promise<DgramDatagramSocket> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({
        type: opts.family === 6 ? "udp6" : "udp4",
        ipv6Only: opts.family === 6 && opts.ipv6Only === true, // udp4 sockets refuse the option
        reuseAddr: false,
        lookup: literalLookup,
        ...(opts.recvBufferBytes !== undefined &&
          opts.recvBufferBytes > 0 && { recvBufferSize: opts.recvBufferBytes }),
        ...(opts.sendBufferBytes !== undefined &&
          opts.sendBufferBytes > 0 && { sendBufferSize: opts.sendBufferBytes }),
      });
      const onError = (err: Error): void => {
        socket.close();
        reject(err);
      };
      socket.once("error", onError);
      // Node 20's dgram has no SO_REUSEPORT; in a cluster worker, sharing the primary's handle is the nearest thing
      // (every worker reads the one socket). Otherwise a socket of its own.
      socket.bind({ address: opts.address, port: opts.port, exclusive: opts.reusePort !== true }, () => {
        socket.off("error", onError);
        resolve(new DgramDatagramSocket(socket, opts));
      });
    });
  }

  send(data: Uint8Array, port: number, address: string): void {
    if (!this.#open) return;
    const family = isIP(address);
    if (family === 0) throw new DatagramAddressError(address);
    // An IPv4 destination on a dual-stack socket goes to its mapped form; other family mismatches cannot leave.
    if (family !== this.family && !this.#dualStack) return this.#onSendError?.();
    const to = this.#dualStack && family === 4 ? `::ffff:${address}` : address;
    try {
      this.#socket.send(data, port, to);
    } catch {
      this.#onSendError?.();
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#socket.close();
  }

  unref(): void {
    this.#socket.unref();
  }

  /** node:dgram has no native side to attach to. */
  attachNativeHandler(): boolean {
    return false;
  }
}
