#!/usr/bin/env node
import cluster from "node:cluster";
import {
  configPathFromArgv,
  createLogger,
  installShutdown,
  redactConfig,
  runMain,
} from "@switchboard/runtime";
import { startPrimary } from "./cluster/primary.js";
import { runWorker } from "./cluster/worker.js";
import { loadStunConfig, stunConfigSpec, workerCount } from "./config.js";
import { startSingle } from "./single.js";

runMain("stun", async () => {
  const config = loadStunConfig({ env: process.env, file: configPathFromArgv() });
  const root = createLogger({ name: "stun", level: config.logLevel });
  if (cluster.isWorker) {
    await runWorker({ config, logger: root.child({ worker: cluster.worker?.id }) });
    return;
  }
  root.info({ config: redactConfig(stunConfigSpec, config) }, "configuration");
  const workers = workerCount(config);
  const running =
    workers === 1
      ? await startSingle({ config, logger: root })
      : await startPrimary({ config, logger: root, workers });
  installShutdown({ logger: root, steps: running.steps });
});
