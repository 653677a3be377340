import { createMetricsRegistry, Health, type Logger } from "@switchboard/runtime";
import { startAdmin } from "./admin.js";
import type { RunningStun } from "./cluster/primary.js";
import type { StunConfig } from "./config.js";
import { createStunServer } from "./server.js";

/** STUN_WORKERS=1: the listeners and the admin server in this one process, no cluster. */
export async function startSingle(opts: { config: StunConfig; logger: Logger }): Promise<RunningStun> {
  const { config, logger } = opts;
  const health = new Health();
  health.set("listeners", false, { critical: true });
  const registry = createMetricsRegistry();
  const server = createStunServer({ config, logger, registry });
  const admin = await startAdmin({
    config,
    logger,
    health,
    registry,
    stats: () => ({
      workers: { configured: 1, serving: 1 },
      tcpConnections: server.tcpConnections(),
      udpIo: server.udpBackend(),
    }),
  });
  let addresses;
  try {
    addresses = await server.listen();
  } catch (err) {
    await admin.close();
    throw err;
  }
  health.set("listeners", true);
  return {
    addresses,
    adminUrl: admin.url,
    steps: [
      { name: "listeners", close: () => server.close() },
      { name: "admin", close: () => admin.close() },
    ],
  };
}
