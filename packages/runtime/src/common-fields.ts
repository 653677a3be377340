import { oneOf } from "./config/fields.js";
import { LOG_LEVELS } from "./logger.js";

/** `LOG_LEVEL`, shared by every service. */
export const logLevelField = oneOf({
  env: "LOG_LEVEL",
  doc: "pino log level",
  default: "info",
  values: LOG_LEVELS,
});
