import type { ServerMessage, ServerMessageType } from "@switchboard/protocol";

/**
 * A server message already serialized to its JSON text frame, sent as is: a relay from another instance arrives
 * this way, so the receiving instance neither parses nor re-serializes it.
 */
export class SerializedFrame {
  readonly type: ServerMessageType;
  readonly text: string;
  constructor(type: ServerMessageType, text: string) {
    this.type = type;
    this.text = text;
  }

  static of(msg: ServerMessage): SerializedFrame {
    return new SerializedFrame(msg.type, JSON.stringify(msg));
  }
}

/** What a session is sent (or keeps for a resume): a message, or its frame serialized already. */
export type Outbound = ServerMessage | SerializedFrame;

/** The text frame of an outbound message. */
export function frameText(msg: Outbound): string {
  return msg instanceof SerializedFrame ? msg.text : JSON.stringify(msg);
}
