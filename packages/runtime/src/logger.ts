import { pino, type Logger, type LevelWithSilent } from "pino";
import { build as prettyStream } from "pino-pretty";

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
  /** Human-readable lines instead of JSON (stdout only); defaults to {@link wantsPrettyLogs} of the process. */
  pretty?: boolean;
}

/**
 * Pretty (pino-pretty) output for people, JSON for machines: `LOG_FORMAT=pretty` or `json` decides; unset, a
 * terminal on stdout gets pretty lines and anything else (a pipe, a file, a log collector) JSON.
 */
export function wantsPrettyLogs(
  env: Readonly<Record<string, string | undefined>> = process.env,
  isTty: boolean = process.stdout.isTTY === true,
): boolean {
  const format = env.LOG_FORMAT?.trim().toLowerCase() ?? "";
  if (format === "pretty") return true;
  if (format === "json") return false;
  if (format !== "" && format !== "auto")
    throw new Error(`LOG_FORMAT: expected "pretty", "json" or "auto", got "${env.LOG_FORMAT}"`);
  return isTty;
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
    opts.destination ??
      ((opts.pretty ?? wantsPrettyLogs())
        ? prettyStream({
            colorize: process.env.NO_COLOR === undefined,
            ignore: "pid,hostname",
            singleLine: true,
            sync: false,
          })
        : pino.destination({ sync: false })),
  );
}
