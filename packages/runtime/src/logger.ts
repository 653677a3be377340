import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger } from "pino";
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Field names whose values never reach a log line, wherever they appear. */
const REDACTED_PATHS = [
  "password",
  "secret",
  "token",
  "credential",
  "authorization",
  "*.password",
  "*.secret",
  "*.token",
  "*.credential",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
];

export interface LoggerOptions {
  /** Service or component name, the `name` field of every line. */
  name: string;
  level: LevelWithSilent;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
}

/** The root logger of a service: JSON lines, secrets redacted; components take `logger.child({component})`. */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      name: opts.name,
      level: opts.level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: { pid: process.pid },
    },
    opts.destination ?? pino.destination({ sync: false }),
  );
}
