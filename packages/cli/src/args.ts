import { parseArgs, type ParseArgsConfig } from "node:util";

/** A configuration problem a person can fix: the command prints it and exits with EXIT.badConfig. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `node:util` parseArgs with the command's name in every error and no positionals unless asked for. */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`switchboard ${command}: ${reason} (see switchboard ${command} --help)`);
  }
}

/** `true`/`1`/`yes`/`on` and `false`/`0`/`no`/`off` (any case); anything else is a ConfigError naming the variable. */
export function parseBool(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const v = raw.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new ConfigError(`${name}: expected true or false, got "${raw}"`);
}

/** A comma-separated list, blanks dropped. */
export function splitList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** The first value that is set (flags before environment), empty strings counting as unset. */
export function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}
