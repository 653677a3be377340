import type { PeerChannel } from "./peer-channel.js";

export interface MemoryChannelOptions {
  readonly maxMessageSize?: number;
  /** send() waits while more than this many bytes are queued towards the other side. */
  readonly highWaterMark?: number;
  /** Caps delivery speed in each direction (bytes per second); unlimited when absent. */
  readonly bytesPerSecond?: number;
}

class MemoryChannel implements PeerChannel {
  readonly peerId: string;
  readonly label: string;
  readonly maxMessageSize: number;
  onmessage: ((data: Uint8Array | string) => void) | null = null;
  onclose: (() => void) | null = null;
  other!: MemoryChannel;
  closed = false;
  readonly #queue: (Uint8Array | string)[] = [];
  #queued = 0;
  #pumping = false;
  #waiters: (() => void)[] = [];
  readonly #opts: MemoryChannelOptions;

  constructor(peerId: string, label: string, opts: MemoryChannelOptions) {
    this.peerId = peerId;
    this.label = label;
    this.maxMessageSize = opts.maxMessageSize ?? 64 * 1024;
    this.#opts = opts;
  }

  async send(data: Uint8Array | string): Promise<void> {
    if (this.closed) throw new Error("channel closed");
    const size = typeof data === "string" ? data.length : data.length;
    if (size > this.maxMessageSize) throw new Error(`message of ${size} bytes exceeds maxMessageSize`);
    this.#queue.push(typeof data === "string" ? data : data.slice());
    this.#queued += size;
    this.#pump();
    while (this.#queued > (this.#opts.highWaterMark ?? 1 << 20) && !this.closed) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.closed) throw new Error("channel closed");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.other.closed = true;
    this.#wake();
    this.other.#wake();
    setImmediate(() => {
      this.onclose?.();
      this.other.onclose?.();
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    // Like a socket read, one turn delivers what is queued (up to 256 KiB) unless a rate cap paces it.
    const step = (): void => {
      let delivered = 0;
      const rate = this.#opts.bytesPerSecond;
      while (!this.closed && this.#queue.length > 0 && delivered < (rate ? 1 : 256 * 1024)) {
        const msg = this.#queue.shift()!;
        this.#queued -= msg.length;
        delivered += msg.length;
        try {
          this.other.onmessage?.(msg);
        } catch {
          // the receiver's failure does not break the link
        }
      }
      this.#wake();
      if (this.closed || this.#queue.length === 0) {
        this.#pumping = false;
        this.#queue.length = 0;
        this.#queued = 0;
        return;
      }
      if (rate) setTimeout(step, (delivered / rate) * 1000);
      else setImmediate(step);
    };
    setImmediate(step);
  }
}

/** Two connected in-memory channels: `a` is peer `aId`'s end (its peerId is `bId`), and the reverse. */
export function createChannelPair(
  aId: string,
  bId: string,
  opts: MemoryChannelOptions & { label?: string } = {},
): [PeerChannel, PeerChannel] {
  const label = opts.label ?? "switchboard-files";
  const a = new MemoryChannel(bId, label, opts);
  const b = new MemoryChannel(aId, label, opts);
  a.other = b;
  b.other = a;
  return [a, b];
}
