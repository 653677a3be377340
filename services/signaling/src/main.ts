#!/usr/bin/env node
import {
  configPathFromArgv,
  createLogger,
  installShutdown,
  loadConfig,
  redactConfig,
  runMain,
} from "@switchboard/runtime";
import { checkSignalingConfig, signalingConfigSpec } from "./config.js";
import { createSignalingServer } from "./server.js";

runMain("signaling", async () => {
  const config = loadConfig(signalingConfigSpec, {
    env: process.env,
    fileEnv: "SIGNALING_CONFIG",
    file: configPathFromArgv(),
    check: checkSignalingConfig,
  });
  const logger = createLogger({ name: "signaling", level: config.logLevel });
  logger.info({ config: redactConfig(signalingConfigSpec, config) }, "configuration");
  const server = createSignalingServer({ config, logger });
  await server.listen();
  installShutdown({ logger, steps: [{ name: "signaling", close: () => server.close() }] });
});
