#!/usr/bin/env node
/** Entry point: load configuration, listen, reload TLS on SIGHUP, shut down cleanly on SIGTERM/SIGINT. */
import {
  configPathFromArgv,
  createLogger,
  installShutdown,
  redactConfig,
  runMain,
} from "@switchboard/runtime";
import { loadTurnConfig, turnConfigSpec } from "./config.js";
import { createTurnServer } from "./server.js";

runMain("turn", async () => {
  const config = loadTurnConfig(process.env, configPathFromArgv());
  const logger = createLogger({ name: "turn", level: config.logLevel });
  logger.info({ config: redactConfig(turnConfigSpec, config) }, "configuration");
  const server = createTurnServer({ config, logger });
  await server.start();
  process.on("SIGHUP", () => {
    try {
      server.reloadTls();
    } catch (err) {
      logger.error({ err }, "TLS reload failed; keeping the previous certificate");
    }
  });
  installShutdown({ logger, steps: [{ name: "turn", close: () => server.close() }] });
});
