import { createAdminServer, type Health, type Logger, type Registry } from "@switchboard/runtime";
import type { StunConfig } from "./config.js";

export interface AdminHandle {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves /health, /stats and /metrics on STUN_ADMIN_HOST:STUN_ADMIN_PORT. */
export async function startAdmin(opts: {
  config: StunConfig;
  logger: Logger;
  health: Health;
  registry: Registry;
  stats: () => Record<string, unknown>;
}): Promise<AdminHandle> {
  const app = createAdminServer({
    health: opts.health,
    registry: opts.registry,
    logger: opts.logger,
    service: "stun",
    stats: opts.stats,
  });
  const url = await app.listen({ host: opts.config.adminHost, port: opts.config.adminPort });
  opts.logger.info({ url }, "admin listening");
  return { url, close: () => app.close() };
}
