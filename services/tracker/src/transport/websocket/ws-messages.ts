import { TypeCompiler } from "@sinclair/typebox/compiler";
import { WsClientMessage } from "@switchboard/protocol";

const checker = TypeCompiler.Compile(WsClientMessage);

/** Parses and validates one WebSocket text frame; undefined when it is not a valid tracker message. */
export function decodeWsMessage(data: string): WsClientMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  return checker.Check(parsed) ? parsed : undefined;
}

/** A binary string (one char per byte, as WebTorrent sends ids) to bytes, and back. */
export const binaryToBytes = (s: string): Buffer => Buffer.from(s, "latin1");
export const bytesToBinary = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
