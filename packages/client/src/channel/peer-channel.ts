import { SwitchboardError } from "../errors.js";

/** What other modules (file sharing) build on: one ordered, reliable data channel to one peer. */
export interface PeerChannel {
  readonly peerId: string;
  readonly label: string;
  /** min(negotiated max-message-size, 64 KiB). */
  readonly maxMessageSize: number;
  /** Resolves once the message is queued; waits while `bufferedAmount` is above the high-water mark. */
  send(data: Uint8Array | string): Promise<void>;
  onmessage: ((data: Uint8Array | string) => void) | null;
  onclose: (() => void) | null;
  close(): void;
}

export const MAX_CHANNEL_MESSAGE = 64 * 1024;
export const HIGH_WATER_MARK = 1024 * 1024;
export const LOW_WATER_MARK = 256 * 1024;
const SENT: Promise<void> = Promise.resolve();
/** Fallback for stacks that never fire `bufferedamountlow` (@roamhq/wrtc), ms. */
const POLL_MS = 5;
/** Bytes a channel holds for a consumer that has not set `onmessage` yet; past it the channel closes. */
export const EARLY_MESSAGE_LIMIT = 1024 * 1024;

/** Byte length of a message as the data channel counts it. */
export function messageBytes(data: Uint8Array | string): number {
  return typeof data === "string" ? new TextEncoder().encode(data).length : data.byteLength;
}

/** The `maxMessageSize` a channel may use: the negotiated SCTP limit, capped at 64 KiB. */
export function channelMessageLimit(negotiated: number | undefined): number {
  if (negotiated === undefined || !Number.isFinite(negotiated) || negotiated <= 0) return MAX_CHANNEL_MESSAGE;
  return Math.min(negotiated, MAX_CHANNEL_MESSAGE);
}

/** Turns a received `MessageEvent.data` into a string or bytes. */
export function receivedData(data: unknown): string | Uint8Array | undefined {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/**
 * A data channel with a size guard and flow control (high/low water, `bufferedamountlow` + polling).
 *
 * Messages that arrive before the consumer sets `onmessage` are kept (up to EARLY_MESSAGE_LIMIT) and handed over,
 * in order, in a microtask after it does: the peer may send the moment its end opens, before ours reports `open`
 * (node-datachannel delivers `open` and `message` through separate native queues, in either order) or before the
 * consumer had the channel, and a first frame lost there (a handshake) is lost for good.
 */
export class FlowControlledChannel implements PeerChannel {
  readonly peerId: string;
  readonly label: string;
  readonly maxMessageSize: number;
  onclose: (() => void) | null = null;
  #onmessage: ((data: Uint8Array | string) => void) | null = null;
  readonly #early: (Uint8Array | string)[] = [];
  #earlyBytes = 0;
  #flushing = false;
  readonly #dc: RTCDataChannel;
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #poll: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(dc: RTCDataChannel, opts: { peerId: string; negotiatedMaxMessageSize?: number }) {
    this.#dc = dc;
    this.peerId = opts.peerId;
    this.label = dc.label;
    this.maxMessageSize = channelMessageLimit(opts.negotiatedMaxMessageSize);
    dc.binaryType = "arraybuffer";
    dc.bufferedAmountLowThreshold = LOW_WATER_MARK;
    dc.onbufferedamountlow = () => this.#wake();
    dc.onmessage = (ev: MessageEvent) => {
      const data = receivedData(ev.data);
      if (data === undefined) return;
      if (this.#onmessage && this.#early.length === 0) this.#onmessage(data);
      else this.#hold(data);
    };
    dc.onclose = () => this.#onClosed();
  }

  get onmessage(): ((data: Uint8Array | string) => void) | null {
    return this.#onmessage;
  }

  set onmessage(fn: ((data: Uint8Array | string) => void) | null) {
    this.#onmessage = fn;
    if (fn && this.#early.length > 0) this.#scheduleFlush();
  }

  /** Keeps a message that arrived before the consumer could take it (or behind ones still held). */
  #hold(data: Uint8Array | string): void {
    this.#early.push(data);
    this.#earlyBytes += messageBytes(data);
    if (this.#earlyBytes > EARLY_MESSAGE_LIMIT) {
      this.#early.length = 0;
      this.#earlyBytes = 0;
      this.close(); // nobody is reading: closing is honest, dropping silently is not
      return;
    }
    if (this.#onmessage) this.#scheduleFlush();
  }

  /** Hands held messages over after the current task (the setter may run before its owner is wired up). */
  #scheduleFlush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    queueMicrotask(() => {
      this.#flushing = false;
      while (this.#early.length > 0 && this.#onmessage && !this.#closed) {
        const data = this.#early.shift()!;
        this.#earlyBytes -= messageBytes(data);
        this.#onmessage(data);
      }
    });
  }

  get open(): boolean {
    return !this.#closed && this.#dc.readyState === "open";
  }

  get bufferedAmount(): number {
    return this.#dc.bufferedAmount;
  }

  send(data: Uint8Array | string): Promise<void> {
    const size = messageBytes(data);
    if (size > this.maxMessageSize)
      return Promise.reject(
        new SwitchboardError(
          "message_too_large",
          `${size} bytes, this channel allows ${this.maxMessageSize}: split it into chunks`,
          { peerId: this.peerId },
        ),
      );
    // The common case sends at once with no promise of its own; above the high-water mark it waits for a drain.
    if (this.open && this.#dc.bufferedAmount <= HIGH_WATER_MARK) {
      this.#write(data);
      return SENT;
    }
    return this.#sendAfterDrain(data);
  }

  async #sendAfterDrain(data: Uint8Array | string): Promise<void> {
    while (this.open && this.#dc.bufferedAmount > HIGH_WATER_MARK) await this.#drained();
    this.#write(data);
  }

  #write(data: Uint8Array | string): void {
    if (!this.open) throw new SwitchboardError("channel_closed", this.label, { peerId: this.peerId });
    if (typeof data === "string") this.#dc.send(data);
    else this.#dc.send(data as Uint8Array<ArrayBuffer>);
  }

  close(): void {
    if (this.#closed) return;
    this.#dc.close();
    this.#onClosed();
  }

  #drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#poll ??= setInterval(() => {
        if (this.#dc.bufferedAmount <= LOW_WATER_MARK) this.#wake();
      }, POLL_MS);
    });
  }

  #wake(): void {
    clearInterval(this.#poll);
    this.#poll = undefined;
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#poll);
    this.#poll = undefined;
    const err = new SwitchboardError("channel_closed", this.label, { peerId: this.peerId });
    for (const w of this.#waiters.splice(0)) w.reject(err);
    this.#dc.onmessage = null;
    this.onclose?.();
  }
}
