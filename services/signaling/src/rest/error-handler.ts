import type { FastifyError, FastifyInstance } from "fastify";
import { SignalingError } from "../errors.js";

/** Every REST failure as `{error: {code, message, retryable}}` with the code's HTTP status. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof SignalingError) {
      return reply
        .code(err.status)
        .send({ error: { code: err.code, message: err.message, retryable: err.retryable } });
    }
    if (err.validation) {
      return reply
        .code(400)
        .send({ error: { code: "invalid_message", message: err.message, retryable: false } });
    }
    if (err.statusCode === 413) {
      return reply
        .code(413)
        .send({ error: { code: "payload_too_large", message: err.message, retryable: false } });
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return reply
        .code(400)
        .send({ error: { code: "invalid_message", message: err.message, retryable: false } });
    }
    req.log.error({ err }, "request failed");
    return reply
      .code(500)
      .send({ error: { code: "internal_error", message: "internal error", retryable: true } });
  });
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ error: { code: "invalid_message", message: "no such route", retryable: false } }),
  );
}
