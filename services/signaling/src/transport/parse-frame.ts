import {
  CLIENT_MESSAGE_SCHEMAS,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ClientMessageType,
} from "@switchboard/protocol";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import type { TObject } from "@sinclair/typebox";
import { SignalingError } from "../errors.js";

const CHECKS = new Map<string, TypeCheck<TObject>>(
  Object.entries(CLIENT_MESSAGE_SCHEMAS).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);

export type ParsedFrame =
  | { readonly ok: true; readonly msg: ClientMessage }
  | { readonly ok: false; readonly error: SignalingError; readonly id?: string; readonly type: string };

const idOf = (o: Record<string, unknown>): string | undefined =>
  typeof o.id === "string" && o.id.length > 0 && o.id.length <= 64 ? o.id : undefined;

/**
 * Turns a WebSocket text frame into a validated client message, or the error to answer with (and the
 * request id, when one could be read). Never throws.
 */
export function parseFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      type: "invalid",
      error: new SignalingError("invalid_message", "frame is not valid JSON"),
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return {
      ok: false,
      type: "invalid",
      error: new SignalingError("invalid_message", "expected a JSON object"),
    };
  const obj = value as Record<string, unknown>;
  const id = idOf(obj);
  const withId = (error: SignalingError, type: string): ParsedFrame =>
    id === undefined ? { ok: false, error, type } : { ok: false, error, type, id };
  if (obj.v !== PROTOCOL_VERSION)
    return withId(
      new SignalingError("unsupported_version", `protocol version must be ${PROTOCOL_VERSION}`),
      "invalid",
    );
  const check = typeof obj.type === "string" ? CHECKS.get(obj.type) : undefined;
  if (!check) return withId(new SignalingError("invalid_message", "unknown message type"), "unknown");
  const type = obj.type as ClientMessageType;
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    const where = first ? `${first.path || "/"}: ${first.message}` : "invalid fields";
    return withId(new SignalingError("invalid_message", `invalid ${type}: ${where}`), type);
  }
  return { ok: true, msg: value as ClientMessage };
}
