import { parseCidr } from "../address-ranges.js";

/**
 * Configuration fields: each knows its environment variable, its default, how to parse a raw value
 * (a string from the environment or a JSON value from the config file) and whether it is secret.
 */
export interface Field<T> {
  readonly env: string;
  readonly doc: string;
  readonly secret: boolean;
  /** `undefined` with `required: true` means the value must be given. */
  readonly default: T;
  readonly required: boolean;
  /** Returns the parsed value or throws an Error whose message says what was expected. */
  parse(raw: unknown): T;
}

interface Common<T> {
  env: string;
  doc: string;
  default?: T;
  secret?: boolean;
}

function field<T>(opts: Common<T>, fallback: T, required: boolean, parse: (raw: unknown) => T): Field<T> {
  return Object.freeze({
    env: opts.env,
    doc: opts.doc,
    secret: opts.secret ?? false,
    default: opts.default ?? fallback,
    required,
    parse,
  });
}

const show = (raw: unknown): string => JSON.stringify(raw) ?? String(raw);

/** A string; `pattern` restricts it, `required` demands a value. */
export function str(
  opts: Common<string> & { pattern?: RegExp; required?: boolean; allowEmpty?: boolean },
): Field<string> {
  return field(opts, "", opts.required ?? false, (raw) => {
    if (typeof raw !== "string") throw new Error(`expected a string, got ${show(raw)}`);
    if (!opts.allowEmpty && opts.required && raw === "") throw new Error("must not be empty");
    if (opts.pattern && raw !== "" && !opts.pattern.test(raw)) {
      throw new Error(`expected a value matching ${String(opts.pattern)}, got ${show(raw)}`);
    }
    return raw;
  });
}

/** An optional string: `undefined` when unset or empty. */
export function optionalStr(opts: Omit<Common<string>, "default">): Field<string | undefined> {
  return field<string | undefined>({ ...opts, default: undefined }, undefined, false, (raw) => {
    if (raw === undefined || raw === null || raw === "") return undefined;
    if (typeof raw !== "string") throw new Error(`expected a string, got ${show(raw)}`);
    return raw;
  });
}

/** An integer within [min, max]. */
export function int(opts: Common<number> & { min?: number; max?: number }): Field<number> {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return field(opts, 0, false, (raw) => {
    const n = typeof raw === "string" && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(`expected an integer from ${min} to ${max}, got ${show(raw)}`);
    }
    return n;
  });
}

/** A finite number within [min, max]. */
export function num(opts: Common<number> & { min?: number; max?: number }): Field<number> {
  const min = opts.min ?? -Infinity;
  const max = opts.max ?? Infinity;
  return field(opts, 0, false, (raw) => {
    const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
      throw new Error(`expected a number from ${min} to ${max}, got ${show(raw)}`);
    }
    return n;
  });
}

/** A TCP/UDP port; 0 asks the OS for a free one. */
export function port(opts: Common<number>): Field<number> {
  return int({ ...opts, min: 0, max: 65535 });
}

/** A boolean: true/false, 1/0, yes/no, on/off. */
export function bool(opts: Common<boolean>): Field<boolean> {
  return field(opts, false, false, (raw) => {
    if (typeof raw === "boolean") return raw;
    if (typeof raw === "string") {
      const v = raw.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(v)) return true;
      if (["0", "false", "no", "off"].includes(v)) return false;
    }
    throw new Error(`expected true or false, got ${show(raw)}`);
  });
}

/** One of a fixed set of strings. */
export function oneOf<const V extends string>(opts: Common<V> & { values: readonly V[] }): Field<V> {
  const values = opts.values;
  const first = values[0];
  if (first === undefined) throw new Error("oneOf needs at least one value");
  return field(opts, first, false, (raw) => {
    if (typeof raw === "string" && (values as readonly string[]).includes(raw)) return raw as V;
    throw new Error(`expected one of ${values.join(", ")}, got ${show(raw)}`);
  });
}

/**
 * A list: a comma-separated string from the environment, or a JSON array of strings from the file.
 * `item` validates (and may normalise) each entry.
 */
export function list(
  opts: Common<readonly string[]> & { item?: (entry: string) => string },
): Field<readonly string[]> {
  return field<readonly string[]>(opts, [], false, (raw) => {
    let entries: unknown[];
    if (typeof raw === "string")
      entries = raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    else if (Array.isArray(raw)) entries = raw;
    else throw new Error(`expected a comma-separated list, got ${show(raw)}`);
    return Object.freeze(
      entries.map((e) => {
        if (typeof e !== "string") throw new Error(`expected strings in the list, got ${show(e)}`);
        return opts.item ? opts.item(e) : e;
      }),
    );
  });
}

/** A list of CIDRs or bare addresses (IPv4 and IPv6), each checked when the configuration loads. */
export function cidrList(opts: Common<readonly string[]>): Field<readonly string[]> {
  return list({
    ...opts,
    item: (entry) => {
      parseCidr(entry);
      return entry;
    },
  });
}
