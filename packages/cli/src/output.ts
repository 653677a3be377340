import { styleText } from "node:util";

type Style = "red" | "green" | "yellow" | "cyan" | "gray" | "bold";

/** Whether to colour a stream: a terminal, and neither NO_COLOR nor TERM=dumb (FORCE_COLOR forces it). */
export function wantsColor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  if (env.TERM === "dumb") return false;
  return (stream as NodeJS.WriteStream).isTTY === true;
}

/**
 * How a command talks to people and scripts. Human mode: readable lines on stdout, problems on stderr, in colour on
 * a terminal. JSON mode (`--json`): stdout carries only one JSON object per line per event, `{"event": name, …}`;
 * notes and problems still go to stderr as text.
 */
export interface Output {
  readonly json: boolean;
  /** One event: a JSON line in JSON mode, else the human line given (nothing when it is null). */
  event(name: string, fields: Record<string, unknown>, human: string | null): void;
  /** A line for people (stdout in human mode, stderr in JSON mode so stdout stays parseable). */
  note(line: string): void;
  /** A problem that does not stop the command (stderr). */
  warn(line: string): void;
  /** Extra detail, only with DEBUG/--debug (stderr). */
  debug(line: string): void;
  /** Colour a fragment for human lines (no-op without colour). */
  style: (style: Style, text: string) => string;
}

export interface OutputOptions {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  json: boolean;
  debug: boolean;
  color: boolean;
}

export function createOutput(o: OutputOptions): Output {
  const style = (s: Style, text: string): string => (o.color ? styleText(s, text) : text);
  return {
    json: o.json,
    event(name, fields, human) {
      if (o.json) o.stdout.write(JSON.stringify({ event: name, ...fields }, jsonReplacer) + "\n");
      else if (human !== null) o.stdout.write(human + "\n");
    },
    note(line) {
      (o.json ? o.stderr : o.stdout).write(line + "\n");
    },
    warn(line) {
      o.stderr.write(style("yellow", line) + "\n");
    },
    debug(line) {
      if (o.debug) o.stderr.write(style("gray", `debug: ${line}`) + "\n");
    },
    style,
  };
}

/** Bytes as base64 and errors as {code, message}, so every event serialises to plain JSON. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString("base64") };
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { ...(code === undefined ? {} : { code }), message: value.message };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
