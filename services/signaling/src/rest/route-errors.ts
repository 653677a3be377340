import { Type, type TSchema } from "@sinclair/typebox";
import { ERROR_CODES, type ErrorCode } from "@switchboard/protocol";

/** What any `/api` route can answer: a malformed request, Redis down, a bug. */
const ALWAYS: readonly ErrorCode[] = ["invalid_message", "unavailable", "internal_error"];
/** What a route with a JSON body can answer besides. */
const WITH_BODY: readonly ErrorCode[] = ["payload_too_large"];

/**
 * The error responses of one route, for fastify's schema and the OpenAPI document: one entry per HTTP status
 * of the given codes (plus the ones every route can answer), each an `{error: {code, message, retryable}}`
 * whose `code` is restricted to the codes of that status.
 */
export function errorResponses(
  codes: readonly ErrorCode[],
  o: { body?: boolean } = {},
): Record<number, TSchema> {
  const all = new Set<ErrorCode>([...ALWAYS, ...(o.body ? WITH_BODY : []), ...codes]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of all) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<number, TSchema> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[status] = Type.Object(
      {
        error: Type.Object({
          code: Type.Union(list.map((c) => Type.Literal(c))),
          message: Type.String(),
          retryable: Type.Boolean(),
        }),
      },
      { description: `Error: ${list.join(", ")}` },
    );
  }
  return out;
}
