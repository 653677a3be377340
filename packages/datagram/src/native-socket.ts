/** The native backend: a socket of the addon, its datagrams delivered in batches through the reactor. */
import { DatagramAddressError } from "./errors.js";
import type { BatchReactor } from "./batch-reactor.js";
import { HandlerErrors } from "./handler-errors.js";
import { FLAG_IPV6ONLY, FLAG_REUSEPORT } from "./native-binding.js";
import type { AddressFamily, DatagramHandler, DatagramSocket, DatagramSocketOptions } from "./types.js";

export class NativeDatagramSocket implements DatagramSocket {
  readonly backend = "native" as const;
  readonly family: AddressFamily;
  readonly address: string;
  readonly port: number;
  readonly onDatagram: DatagramHandler;
  readonly #reactor: BatchReactor;
  readonly #id: number;
  readonly #onSendError: (() => void) | undefined;
  readonly #handlerErrors: HandlerErrors;
  #open = true;

  /** Binds at once (synchronously); throws the bind error (`code` EADDRINUSE, EADDRNOTAVAIL, …). */
  constructor(reactor: BatchReactor, opts: DatagramSocketOptions) {
    const flags =
      (opts.reusePort === true ? FLAG_REUSEPORT : 0) | (opts.ipv6Only === true ? FLAG_IPV6ONLY : 0);
    const [id, port] = reactor.binding.open(
      opts.family,
      opts.address,
      opts.port,
      flags,
      opts.recvBufferBytes ?? 0,
      opts.sendBufferBytes ?? 0,
    );
    this.#reactor = reactor;
    this.#id = id;
    this.family = opts.family;
    this.address = opts.address;
    this.port = port;
    this.onDatagram = opts.onMessage;
    this.#onSendError = opts.onSendError;
    this.#handlerErrors = new HandlerErrors(opts.onHandlerError);
    reactor.register(id, this);
  }

  get handlerErrors(): number {
    return this.#handlerErrors.count;
  }

  onHandlerError(err: unknown): void {
    this.#handlerErrors.report(err);
  }

  send(data: Uint8Array, port: number, address: string): void {
    if (!this.#open) return;
    // A datagram no socket can send is refused like one the kernel refuses; a destination that is not an
    // address at all is the caller's mistake.
    if (port <= 0 || port > 0xffff || data.length > 0xffff) return this.#onSendError?.();
    if (!this.#reactor.enqueue(this.#id, data, port, address)) throw new DatagramAddressError(address);
  }

  onSendError(): void {
    this.#onSendError?.();
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    // Datagrams this socket queued still leave: the queue goes out before the descriptor is released.
    this.#reactor.flush();
    this.#reactor.unregister(this.#id);
    this.#reactor.binding.close(this.#id);
  }

  unref(): void {
    if (this.#open) this.#reactor.binding.ref(this.#id, false);
  }

  attachNativeHandler(handler: object | undefined): boolean {
    return this.#open && this.#reactor.binding.attachNativeHandler(this.#id, handler);
  }
}
