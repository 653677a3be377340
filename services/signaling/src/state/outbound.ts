import type { ServerMessage, ServerMessageType } from "@switchboard/protocol";
import type { RunSlabs } from "./run-slabs.js";
import {
  encodeTextFrame,
  textFrameHeaderLength,
  textFrameLength,
  textFramePayload,
  writeTextFrameHeader,
} from "./text-frame.js";

/**
 * A server message already serialized, sent as is: a relay from another instance arrives this way, and a
 * relayed `signal` is written once (its `data` as the sender wrote it), so nothing parses or re-serializes
 * them. Holds the JSON text (a string or its UTF-8 bytes) and its WebSocket frame, each made when first needed.
 */
export class SerializedFrame {
  readonly type: ServerMessageType;
  #payload: string | Buffer | undefined;
  #wire: Buffer | undefined;

  /** From the JSON text, or (`payload` undefined) from the WebSocket frame carrying it. */
  constructor(type: ServerMessageType, payload: string | Buffer | undefined, wire?: Buffer) {
    this.type = type;
    this.#payload = payload;
    this.#wire = wire;
  }

  static of(msg: ServerMessage): SerializedFrame {
    return new SerializedFrame(msg.type, JSON.stringify(msg));
  }

  /** From a WebSocket text frame built in place (`startTextFrame`). */
  static fromWire(type: ServerMessageType, wire: Buffer): SerializedFrame {
    return new SerializedFrame(type, undefined, wire);
  }

  /** The JSON text. */
  get payload(): string | Buffer {
    return (this.#payload ??= textFramePayload(this.#wire ?? encodeTextFrame("")));
  }

  /** The WebSocket text frame carrying it. */
  get wire(): Buffer {
    return (this.#wire ??= encodeTextFrame(this.payload));
  }
}

/**
 * Several frames of one type for one session, back to back in one buffer so that they take one socket write:
 * the relays to one peer that arrived in one bus batch. Kept for a resume frame by frame (`frames`).
 */
export class FrameRun {
  readonly type: ServerMessageType;
  /** The WebSocket frames, in order. */
  readonly wire: Buffer;
  readonly count: number;
  /**
   * For a run in reused memory (`RunSlabs`): the socket's write callback, after which `wire` may be overwritten.
   * Whoever keeps the run instead of writing it keeps copies (`frames`).
   */
  readonly written: ((err?: Error | null) => void) | undefined;

  private constructor(
    type: ServerMessageType,
    wire: Buffer,
    count: number,
    written: ((err?: Error | null) => void) | undefined,
  ) {
    this.type = type;
    this.wire = wire;
    this.count = count;
    this.written = written;
  }

  /**
   * The frames of these JSON payloads (copied once, each behind its WebSocket header), in memory from `slabs`
   * when given (then write `wire` with `written` as the callback).
   */
  static of(type: ServerMessageType, payloads: readonly Uint8Array[], slabs?: RunSlabs): FrameRun {
    let length = 0;
    for (const p of payloads) length += textFrameHeaderLength(p.length) + p.length;
    const piece = slabs?.take(length);
    const wire = piece?.bytes ?? Buffer.allocUnsafe(length);
    let at = 0;
    for (const p of payloads) {
      const header = textFrameHeaderLength(p.length);
      writeTextFrameHeader(wire, p.length, at);
      wire.set(p, at + header);
      at += header + p.length;
    }
    return new FrameRun(type, wire, payloads.length, piece?.written);
  }

  /** The frames one by one (views into `wire`; copies when `wire` is reused memory). */
  frames(): SerializedFrame[] {
    const out: SerializedFrame[] = [];
    const reused = this.written !== undefined;
    for (let at = 0; at < this.wire.length;) {
      const end = at + textFrameLength(this.wire, at);
      const view = this.wire.subarray(at, end);
      out.push(SerializedFrame.fromWire(this.type, reused ? Buffer.from(view) : view));
      at = end;
    }
    return out;
  }
}

/** One message for a session: a message object, or its frame serialized already. */
export type SingleOutbound = ServerMessage | SerializedFrame;

/** What a session is sent (or keeps for a resume): one message, or a run of frames (`FrameRun`). */
export type Outbound = SingleOutbound | FrameRun;

/** The JSON text of an outbound message as a string. */
export function frameText(msg: SingleOutbound): string {
  if (!(msg instanceof SerializedFrame)) return JSON.stringify(msg);
  const payload = msg.payload;
  return typeof payload === "string" ? payload : payload.toString("utf8");
}

/** The JSON text of an outbound message as it is at hand: a string, or its UTF-8 bytes (not decoded). */
export function framePayload(msg: SingleOutbound): string | Buffer {
  return msg instanceof SerializedFrame ? msg.payload : JSON.stringify(msg);
}

/** The WebSocket text frame of an outbound message (the frames of a run, back to back). */
export function frameWire(msg: Outbound): Buffer {
  if (msg instanceof SerializedFrame || msg instanceof FrameRun) return msg.wire;
  return encodeTextFrame(JSON.stringify(msg));
}

/** How many messages an outbound holds (a run: its frames). */
export const messageCount = (msg: Outbound): number => (msg instanceof FrameRun ? msg.count : 1);
