import type { ServerMessage, ServerMessageType } from "@switchboard/protocol";
import { encodeTextFrame, textFramePayload } from "./text-frame.js";

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

/** What a session is sent (or keeps for a resume): a message, or its frame serialized already. */
export type Outbound = ServerMessage | SerializedFrame;

/** The JSON text of an outbound message as a string. */
export function frameText(msg: Outbound): string {
  if (!(msg instanceof SerializedFrame)) return JSON.stringify(msg);
  const payload = msg.payload;
  return typeof payload === "string" ? payload : payload.toString("utf8");
}

/** The JSON text of an outbound message as it is at hand: a string, or its UTF-8 bytes (not decoded). */
export function framePayload(msg: Outbound): string | Buffer {
  return msg instanceof SerializedFrame ? msg.payload : JSON.stringify(msg);
}

/** The WebSocket text frame of an outbound message. */
export function frameWire(msg: Outbound): Buffer {
  return msg instanceof SerializedFrame ? msg.wire : encodeTextFrame(JSON.stringify(msg));
}
