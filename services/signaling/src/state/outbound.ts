import type { ServerMessage, ServerMessageType } from "@switchboard/protocol";

/**
 * A server message already serialized to its JSON text, sent as is: a relay from another instance arrives this
 * way, and a relayed `signal` is written once (its `data` as the sender wrote it), so nothing parses or
 * re-serializes them. The text is a string or its UTF-8 bytes.
 */
export class SerializedFrame {
  readonly type: ServerMessageType;
  readonly payload: string | Buffer;
  constructor(type: ServerMessageType, payload: string | Buffer) {
    this.type = type;
    this.payload = payload;
  }

  static of(msg: ServerMessage): SerializedFrame {
    return new SerializedFrame(msg.type, JSON.stringify(msg));
  }
}

/** What a session is sent (or keeps for a resume): a message, or its frame serialized already. */
export type Outbound = ServerMessage | SerializedFrame;

/** The JSON text of an outbound message (a string, or its UTF-8 bytes). */
export function framePayload(msg: Outbound): string | Buffer {
  return msg instanceof SerializedFrame ? msg.payload : JSON.stringify(msg);
}

/** The JSON text of an outbound message as a string. */
export function frameText(msg: Outbound): string {
  const payload = framePayload(msg);
  return typeof payload === "string" ? payload : payload.toString("utf8");
}
