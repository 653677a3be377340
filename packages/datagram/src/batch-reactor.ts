/**
 * The process-wide side of the native backend: one receive callback per event-loop turn for every native
 * socket, and one send queue flushed once per turn (or when full). Sockets register a handler under the id the
 * addon gave them.
 */
// Imported rather than the global: `globalThis.Buffer` is an accessor, a getter call at every use per datagram.
import { Buffer } from "node:buffer";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "@switchboard/stun-codec";
import {
  META_BYTES,
  RECV_TRUNCATED,
  SEND_FAILED,
  type NativeArenas,
  type NativeBinding,
} from "./native-binding.js";
import type { AddressFamily } from "./types.js";

/** What the reactor needs from a socket. */
export interface ReactorSocket {
  onDatagram(data: Buffer, address: string, port: number, family: AddressFamily): void;
  onSendError(): void;
  /** `onDatagram` threw: the datagram is lost, the batch goes on. */
  onHandlerError(err: unknown): void;
}

/**
 * A reply to the datagram being handled, built in place in the send queue: `reserveReply` gives where it may be
 * written, `commitReply` queues it to that datagram's sender from its socket. Saves the copy `send` makes of a
 * reply built elsewhere. Only inside a receive callback of the native backend.
 */
export interface InPlaceReplies {
  /** The send arena, a plain `Uint8Array` (the bytes `reserveReply`'s offsets are in). */
  readonly arena: Uint8Array;
  /**
   * Room for a reply of up to `maxLength` bytes (at most 65535) to the datagram being handled → its offset in
   * `arena`, or -1 when there is no such datagram (outside a receive callback, its socket closed, sender port 0).
   * Flushes the queue first when it is full. The room is the caller's until it commits or anything else is sent.
   */
  reserveReply(maxLength: number): number;
  /**
   * Queues the reserved reply, its first `length` bytes (≤ the reserved room); false (nothing queued) when the
   * room is no longer reserved: a send or a flush came in between, or `length` is larger than reserved.
   */
  commitReply(length: number): boolean;
}

/** Sender texts kept before the cache starts over (bounded memory whatever senders do). */
const CACHE_MAX = 16_384;
const WORDS = META_BYTES / 4;

export class BatchReactor implements InPlaceReplies {
  readonly #binding: NativeBinding;
  readonly #arenas: NativeArenas;
  readonly #recvMeta: Uint32Array;
  readonly #recvMetaBytes: Uint8Array;
  readonly #sendData: Uint8Array;
  readonly #sendMeta: Uint32Array;
  readonly #sendMetaBytes: Uint8Array;
  readonly #sockets = new Map<number, ReactorSocket>();
  /** The socket of the last datagram delivered, and its id (-1: none; ids are unsigned). */
  #lastId = -1;
  #lastSocket: ReactorSocket | undefined;
  readonly #v4Text = new Map<number, string>();
  /**
   * The sender of the datagram being handled and the word of its metadata: a reply to it (the usual send) takes
   * the address bytes from there instead of parsing the text again.
   */
  #fromAddress: string | undefined;
  #fromWord = 0;
  /**
   * The Buffer handed out for each receive slot, kept while datagrams of the same length arrive there (a view
   * costs an object and a constructor call; most services see a few datagram sizes). The contract is unchanged: a
   * datagram's bytes, and now its Buffer object too, are only the handler's during its call.
   */
  readonly #views: Array<Buffer | undefined>;
  #queued = 0;
  #queuedBytes = 0;
  /** Bytes reserved by `reserveReply` at `#queuedBytes`; -1 when nothing is. */
  #reserved = -1;
  #flushScheduled = false;
  /** Inside `#receive`, which flushes at its end: sends need no microtask of their own then. */
  #receiving = false;
  readonly #flushTask = (): void => {
    this.#flushScheduled = false;
    this.flush();
  };

  constructor(binding: NativeBinding) {
    this.#binding = binding;
    this.#arenas = binding.init((count) => this.#receive(count));
    this.#recvMeta = new Uint32Array(this.#arenas.recvMeta);
    this.#recvMetaBytes = new Uint8Array(this.#arenas.recvMeta);
    this.#sendData = new Uint8Array(this.#arenas.sendData);
    this.#sendMeta = new Uint32Array(this.#arenas.sendMeta);
    this.#sendMetaBytes = new Uint8Array(this.#arenas.sendMeta);
    this.#views = new Array<Buffer | undefined>(this.#arenas.slots).fill(undefined);
  }

  get binding(): NativeBinding {
    return this.#binding;
  }

  get arena(): Uint8Array {
    return this.#sendData;
  }

  register(id: number, socket: ReactorSocket): void {
    this.#sockets.set(id, socket);
    this.#lastId = -1;
    this.#lastSocket = undefined;
  }

  unregister(id: number): void {
    this.#sockets.delete(id);
    this.#lastId = -1;
    this.#lastSocket = undefined;
  }

  /**
   * Copies one datagram (at most 65535 bytes, to a port 1-65535: the socket checks) into the send queue; false
   * when the destination is not an address of any family.
   */
  enqueue(id: number, data: Uint8Array, port: number, address: string): boolean {
    this.#reserved = -1;
    const length = data.length;
    if (this.#queued === this.#arenas.sendSlots || this.#queuedBytes + length > this.#arenas.sendBytes)
      this.flush();
    const base = this.#queued * WORDS;
    const meta = this.#sendMeta;
    const at = base * 4 + 16;
    if (address === this.#fromAddress) this.#copySender(base);
    else if (parseIPv4(address, this.#sendMetaBytes, at)) meta[base + 3] = 4;
    else if (parseIPv6(address, this.#sendMetaBytes, at)) meta[base + 3] = 6;
    else return false;
    meta[base] = id;
    meta[base + 1] = length;
    meta[base + 2] = port;
    this.#sendData.set(data, this.#queuedBytes);
    this.#queued++;
    this.#queuedBytes += length;
    // Inside a receive callback the batch's own flush sends it; elsewhere a microtask does, once per turn.
    if (!this.#flushScheduled && !this.#receiving) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushTask);
    }
    return true;
  }

  reserveReply(maxLength: number): number {
    this.#reserved = -1;
    if (this.#fromAddress === undefined || maxLength > 0xffff) return -1;
    const from = this.#recvMeta;
    const w = this.#fromWord;
    // The datagram's socket is the last one looked up, unless it closed since (which forgets it).
    if ((from[w + 2] ?? 0) === 0 || this.#lastSocket === undefined || this.#lastId !== (from[w] ?? 0))
      return -1;
    if (this.#queued === this.#arenas.sendSlots || this.#queuedBytes + maxLength > this.#arenas.sendBytes)
      this.flush();
    this.#reserved = maxLength;
    return this.#queuedBytes;
  }

  commitReply(length: number): boolean {
    const reserved = this.#reserved;
    this.#reserved = -1;
    if (reserved < 0 || length > reserved || this.#fromAddress === undefined) return false;
    const base = this.#queued * WORDS;
    const meta = this.#sendMeta;
    const from = this.#recvMeta;
    const w = this.#fromWord;
    meta[base] = from[w] ?? 0;
    meta[base + 1] = length;
    meta[base + 2] = from[w + 2] ?? 0;
    this.#copySender(base);
    this.#queued++;
    this.#queuedBytes += length;
    return true;
  }

  /** Copies the family and address of the datagram being handled into the send metadata at word `base`. */
  #copySender(base: number): void {
    const meta = this.#sendMeta;
    const from = this.#recvMeta;
    const w = this.#fromWord;
    meta[base + 3] = (from[w + 3] ?? 0) & 0xff;
    meta[base + 4] = from[w + 4] ?? 0;
    meta[base + 5] = from[w + 5] ?? 0;
    meta[base + 6] = from[w + 6] ?? 0;
    meta[base + 7] = from[w + 7] ?? 0;
  }

  /** Hands every queued datagram to the kernel now. */
  flush(): void {
    this.#reserved = -1;
    const count = this.#queued;
    if (count === 0) return;
    this.#queued = 0;
    this.#queuedBytes = 0;
    const failed = this.#binding.flush(count);
    if (failed === 0) return;
    for (let i = 0; i < count; i++) {
      const word = i * WORDS;
      if ((this.#sendMeta[word + 3] ?? 0) & SEND_FAILED)
        this.#sockets.get(this.#sendMeta[word] ?? 0)?.onSendError();
    }
  }

  #receive(count: number): void {
    this.#receiving = true;
    const meta = this.#recvMeta;
    const data = this.#arenas.recvData;
    const slotBytes = this.#arenas.slotBytes;
    for (let i = 0; i < count; i++) {
      const base = i * WORDS;
      // Most datagrams of a batch are for the socket of the one before: no Map lookup for those.
      const id = meta[base] ?? 0;
      if (id !== this.#lastId) {
        this.#lastId = id;
        this.#lastSocket = this.#sockets.get(id);
      }
      const socket = this.#lastSocket;
      const kind = meta[base + 3] ?? 0;
      if (socket === undefined || kind & RECV_TRUNCATED) continue; // closed meanwhile, or cannot be whole
      const family: AddressFamily = (kind & 0xff) === 6 ? 6 : 4;
      const address = family === 4 ? this.#ipv4Text(base * 4 + 16) : this.#ipv6Text(base * 4 + 16);
      this.#fromAddress = address;
      this.#fromWord = base;
      this.#reserved = -1;
      const length = meta[base + 1] ?? 0;
      let view = this.#views[i];
      if (view?.length !== length) {
        view = Buffer.from(data, i * slotBytes, length);
        this.#views[i] = view;
      }
      // This runs inside the addon's callback: an exception escaping it would be fatal to the process.
      try {
        socket.onDatagram(view, address, meta[base + 2] ?? 0, family);
      } catch (err) {
        socket.onHandlerError(err);
      }
    }
    // The next batch overwrites the metadata.
    this.#fromAddress = undefined;
    this.#reserved = -1;
    this.#receiving = false;
    this.flush();
  }

  #ipv4Text(at: number): string {
    const b = this.#recvMetaBytes;
    const value =
      (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
    let text = this.#v4Text.get(value);
    if (text === undefined) {
      if (this.#v4Text.size >= CACHE_MAX) this.#v4Text.clear();
      text = formatIPv4(b, at);
      this.#v4Text.set(value, text);
    }
    return text;
  }

  #ipv6Text(at: number): string {
    return formatIPv6(this.#recvMetaBytes, at);
  }
}

let reactor: BatchReactor | undefined;

/**
 * In-place replies through this environment's reactor, once a native socket has made it (see `InPlaceReplies`):
 * a service asks for it after opening a socket whose backend is "native".
 */
export function inPlaceReplies(): InPlaceReplies | undefined {
  return reactor;
}

/** The one reactor of this JavaScript environment (the addon keeps one receive arena per environment). */
export function reactorFor(binding: NativeBinding): BatchReactor {
  reactor ??= new BatchReactor(binding);
  return reactor;
}
