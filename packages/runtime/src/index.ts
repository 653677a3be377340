export { ConfigError } from "./errors.js";
export {
  str,
  optionalStr,
  int,
  num,
  port,
  bool,
  oneOf,
  list,
  cidrList,
  type Field,
} from "./config/fields.js";
export { parseCidr, blockListOf, type Cidr } from "./address-ranges.js";
export {
  loadConfig,
  redactConfig,
  describeConfig,
  type ConfigSpec,
  type ConfigOf,
  type LoadConfigOptions,
} from "./config/load-config.js";
export { createLogger, LOG_LEVELS, wantsPrettyLogs, type Logger, type LoggerOptions } from "./logger.js";
export { createMetricsRegistry, metricsToStats, Counter, Gauge, Histogram, Registry } from "./metrics.js";
export { Health, type HealthReport, type PartStatus } from "./health.js";
export {
  registerAdminRoutes,
  createAdminServer,
  fastifyLogging,
  type AdminRoutesOptions,
} from "./admin-server.js";
export { installShutdown, type ShutdownStep, type ShutdownOptions } from "./shutdown.js";
export { runMain, configPathFromArgv } from "./start.js";
export { systemClock, ManualClock, type Clock } from "./clock.js";
export {
  TokenBucket,
  KeyedRateLimiter,
  type TokenBucketOptions,
  type KeyedRateLimiterOptions,
} from "./rate-limiter.js";
export { logLevelField } from "./common-fields.js";
