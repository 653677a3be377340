import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";
import type { Field } from "./fields.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a spec holds fields of every value type
export type ConfigSpec = Record<string, Field<any>>;
export type ConfigOf<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never;
};

export interface LoadConfigOptions<S extends ConfigSpec> {
  /** The environment to read (main passes `process.env`; tests pass their own). */
  env: Readonly<Record<string, string | undefined>>;
  /** Environment variable holding the path of a JSON config file (e.g. `STUN_CONFIG`). */
  fileEnv?: string;
  /** An explicit config file path (e.g. from `--config`), which wins over `fileEnv`. */
  file?: string;
  /** Cross-field checks on the parsed values; returns problems, one line each. */
  check?: (config: ConfigOf<S>) => readonly string[];
}

/**
 * Loads configuration: defaults < JSON config file < environment. Every problem is collected and thrown
 * together as one ConfigError; the result is frozen.
 */
export function loadConfig<S extends ConfigSpec>(spec: S, opts: LoadConfigOptions<S>): ConfigOf<S> {
  const problems: string[] = [];
  const path = opts.file ?? (opts.fileEnv ? opts.env[opts.fileEnv] : undefined);
  let fromFile: Record<string, unknown> = {};
  if (path) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        problems.push(`${path}: expected a JSON object`);
      } else {
        fromFile = parsed as Record<string, unknown>;
        for (const key of Object.keys(fromFile)) {
          if (!(key in spec)) problems.push(`${path}: unknown setting "${key}"`);
        }
      }
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(spec)) {
    const envRaw = opts.env[f.env];
    const fileRaw = fromFile[key];
    const [source, raw] =
      envRaw !== undefined && envRaw !== ""
        ? [f.env, envRaw]
        : fileRaw !== undefined
          ? [`${path}: ${key}`, fileRaw]
          : [undefined, undefined];
    if (source === undefined) {
      if (f.required) problems.push(`${f.env}: required (${f.doc})`);
      out[key] = f.default;
      continue;
    }
    try {
      out[key] = f.parse(raw);
    } catch (err) {
      problems.push(`${source}: ${(err as Error).message}`);
    }
  }
  if (problems.length === 0 && opts.check) problems.push(...opts.check(out as ConfigOf<S>));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}

/** A copy of the configuration safe to log: secret fields replaced. */
export function redactConfig<S extends ConfigSpec>(spec: S, config: ConfigOf<S>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(spec)) {
    const value = (config as Record<string, unknown>)[key];
    out[key] = f.secret && value !== undefined && value !== "" ? "[redacted]" : value;
  }
  return out;
}

/** Markdown table of a spec's settings, for service READMEs. */
export function describeConfig(spec: ConfigSpec): string {
  const rows = Object.entries(spec).map(([key, f]) => {
    const def = f.secret ? "(secret)" : (JSON.stringify(f.default) ?? "unset");
    return `| \`${f.env}\` | \`${key}\` | ${def} | ${f.doc} |`;
  });
  return ["| environment | config file key | default | meaning |", "| --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}
