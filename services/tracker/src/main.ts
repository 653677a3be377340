#!/usr/bin/env node
import {
  configPathFromArgv,
  createLogger,
  installShutdown,
  redactConfig,
  runMain,
} from "@switchboard/runtime";
import { loadTrackerConfig, trackerConfigSpec } from "./config.js";
import { createTrackerServer } from "./server.js";

runMain("tracker", async () => {
  const config = loadTrackerConfig(process.env, configPathFromArgv());
  const logger = createLogger({ name: "tracker", level: config.logLevel });
  logger.info({ config: redactConfig(trackerConfigSpec, config) }, "configuration");
  const server = createTrackerServer(config, { logger });
  process.on("SIGHUP", () => {
    server
      .reloadAccess()
      .catch((err: unknown) => logger.error({ err }, "access rules reload failed, keeping the old ones"));
  });
  await server.listen();
  installShutdown({ logger, steps: [{ name: "tracker", close: () => server.close() }] });
});
