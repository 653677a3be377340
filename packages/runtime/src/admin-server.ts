import { fastify, LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import type { Logger } from "pino";
import type { Health } from "./health.js";
import { metricsToStats } from "./metrics.js";

export interface AdminRoutesOptions {
  health: Health;
  registry: Registry;
  /** Extra figures merged into `/stats` beside the metrics (kept incrementally by the service: cheap). */
  stats?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Name reported by `/stats`. */
  service: string;
}

/** Adds `GET /health`, `GET /stats` and `GET /metrics` to a fastify instance. */
export function registerAdminRoutes(app: FastifyInstance, opts: AdminRoutesOptions): void {
  app.get("/health", async (_req, reply) => {
    const report = opts.health.report();
    return reply
      .code(report.status === "unavailable" ? 503 : 200)
      .header("cache-control", "no-store")
      .send(report);
  });
  app.get("/stats", async (_req, reply) => {
    const [metrics, extra] = await Promise.all([metricsToStats(opts.registry), opts.stats?.() ?? {}]);
    return reply.header("cache-control", "no-store").send({ service: opts.service, ...metrics, ...extra });
  });
  app.get("/metrics", async (_req, reply) => {
    const body = await opts.registry.metrics();
    return reply.header("content-type", opts.registry.contentType).send(body);
  });
}

/** fastify options that log through the service's pino logger without a line per request. */
export function fastifyLogging(logger: Logger): {
  loggerInstance: FastifyBaseLogger;
  logController: LogController;
} {
  return {
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  };
}

/** A fastify instance serving only the admin routes; the caller listens on it (and closes it). */
export function createAdminServer(opts: AdminRoutesOptions & { logger: Logger }): FastifyInstance {
  const app: FastifyInstance = fastify(fastifyLogging(opts.logger.child({ component: "admin" })));
  registerAdminRoutes(app, opts);
  return app;
}
