import { WireError } from "../errors.js";
import type { PeerChannel } from "../peer-channel.js";
import { decodeFrame, encodeFrame } from "../wire/codec.js";
import type { Frame } from "../wire/frames.js";

export interface PeerLinkHandlers {
  onFrame(link: PeerLink, frame: Frame): void;
  onClose(link: PeerLink, error: WireError | null): void;
}

/**
 * One peer's channel, framed: decodes what arrives (a bad frame closes the channel, nothing else), and sends in
 * order through one pump, control frames (requests, haves, cancels) ahead of queued blocks.
 */
export class PeerLink {
  readonly peerId: string;
  readonly #ch: PeerChannel;
  readonly #handlers: PeerLinkHandlers;
  readonly #control: Uint8Array[] = [];
  readonly #data: { bytes: Uint8Array; done: (ok: boolean) => void }[] = [];
  #pumping = false;
  #closed = false;
  bytesIn = 0;
  bytesOut = 0;

  constructor(ch: PeerChannel, handlers: PeerLinkHandlers) {
    this.peerId = ch.peerId;
    this.#ch = ch;
    this.#handlers = handlers;
    ch.onmessage = (data) => this.#receive(data);
    ch.onclose = () => this.#shut(null);
  }

  /** The largest message the channel takes (a frame never exceeds it). */
  get maxMessageSize(): number {
    return this.#ch.maxMessageSize;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a control frame (never waits). */
  send(frame: Frame): void {
    if (this.#closed) return;
    this.#control.push(encodeFrame(frame));
    this.#pump();
  }

  /** Queues a block frame (or its encoding); resolves true once the channel accepted it, false if the link closed first. */
  sendBlock(frame: Frame | Uint8Array): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    const bytes = frame instanceof Uint8Array ? frame : encodeFrame(frame);
    return new Promise((done) => {
      this.#data.push({ bytes, done });
      this.#pump();
    });
  }

  /** Closes the channel, e.g. because the peer broke the protocol. */
  close(error: WireError | null = null): void {
    if (this.#closed) return;
    // Shut first: a channel may call onclose synchronously, which must not lose the reason.
    this.#shut(error);
    this.#ch.close();
  }

  #receive(data: Uint8Array | string): void {
    if (this.#closed) return;
    let frame: Frame;
    try {
      if (typeof data === "string")
        throw new WireError("frame_malformed", "text message on a binary channel");
      this.bytesIn += data.length;
      frame = decodeFrame(data);
    } catch (e) {
      this.close(e instanceof WireError ? e : new WireError("frame_malformed", String(e)));
      return;
    }
    try {
      this.#handlers.onFrame(this, frame);
    } catch (e) {
      // A frame that is well-formed but breaks the protocol's rules (handlers throw WireError for those).
      this.close(
        e instanceof WireError
          ? e
          : new WireError("frame_malformed", e instanceof Error ? e.message : String(e)),
      );
    }
  }

  #shut(error: WireError | null): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#control.length = 0;
    for (const d of this.#data.splice(0)) d.done(false);
    this.#handlers.onClose(this, error);
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    void (async () => {
      let current: { bytes: Uint8Array; done?: (ok: boolean) => void } | undefined;
      try {
        while (!this.#closed) {
          const control = this.#control.shift();
          current = control ? { bytes: control } : this.#data.shift();
          if (!current) break;
          await this.#ch.send(current.bytes);
          this.bytesOut += current.bytes.length;
          current.done?.(true);
          current = undefined;
        }
      } catch {
        current?.done?.(false);
        this.#shut(null);
      } finally {
        this.#pumping = false;
      }
    })();
  }
}
