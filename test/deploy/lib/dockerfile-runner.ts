// Runs a service's Dockerfile without a Docker engine: each stage gets its own folder standing for the image's "/",
// and the Dockerfile's own instructions are carried out there — COPY (the build context filtered by .dockerignore,
// or --from another stage), WORKDIR, ENV, and every RUN command as written (absolute paths mapped into the stage's
// folder), ARG with the given build arguments (substituted in ENV, and in the environment of RUN). What cannot be
// reproduced is only the base image (the host's Node stands in for node:24) and USER.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { repoRoot } from "./paths.js";

export interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions of a Dockerfile: continuation lines joined, comments and blank lines dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (pending === "" && (line.trim() === "" || line.trim().startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    const m = /^(\w+)\s+(.*)$/s.exec(full);
    if (m?.[1] && m[2] !== undefined) out.push({ op: m[1].toUpperCase(), args: m[2] });
  }
  return out;
}

/** .dockerignore patterns as a predicate over paths relative to the context. */
export function dockerIgnore(text: string): (rel: string) => boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((p) => {
      const body = p
        .replace(/\/$/, "")
        .split("/")
        .map((seg) =>
          seg === "**"
            ? "(?:.*)"
            : seg
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, "[^/]*")
                .replace(/\?/g, "[^/]"),
        )
        .join("/")
        .replace(/\(\?:\.\*\)\//g, "(?:.*/)?");
      return new RegExp(`^${body}$`);
    });
  return (rel) => rules.some((r) => r.test(rel));
}

function copyContext(dest: string): void {
  const ignored = dockerIgnore(readFileSync(join(repoRoot, ".dockerignore"), "utf8"));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const rel = relative(repoRoot, abs);
      if (ignored(rel)) continue;
      if (statSync(abs).isDirectory()) walk(abs);
      else {
        mkdirSync(join(dest, dirname(rel)), { recursive: true });
        cpSync(abs, join(dest, rel));
      }
    }
  };
  walk(repoRoot);
}

export interface Image {
  /** Folder standing for the final stage's "/". */
  readonly root: string;
  readonly workdir: string;
  readonly env: Record<string, string>;
  readonly cmd: string[];
  readonly healthcheck: string[];
  readonly user: string;
}

/** Carries out every stage of `dockerfile` under `dir`; throws with the output of a failing RUN. */
export function runDockerfile(
  dockerfile: string,
  dir: string,
  buildArgs: Record<string, string> = {},
  log: (line: string) => void = () => {},
): Image {
  const steps = parseDockerfile(readFileSync(join(repoRoot, dockerfile), "utf8"));
  const stageRoot = new Map<string, string>();
  let root = "";
  let workdir = "/";
  let env: Record<string, string> = {};
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  let user = "root";
  // The build arguments a stage declared (ARG NAME or ARG NAME=default): like Docker, only those are visible to it.
  let args: Record<string, string> = {};
  const substitute = (text: string) =>
    text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => args[a ?? b ?? ""] ?? "");
  const inStage = (p: string) => join(root, p.startsWith("/") ? p : join(workdir, p));
  for (const step of steps) {
    const { op } = step;
    const text = step.args;
    switch (op) {
      case "ARG": {
        const [name = "", def] = text.trim().split(/=(.*)/s);
        // A quoted default (ARG NAME="") is its text without the quotes, as in Docker.
        const value = buildArgs[name] ?? def?.replace(/^"(.*)"$/s, "$1");
        if (value !== undefined) args[name] = value;
        break;
      }
      case "EXPOSE":
      case "STOPSIGNAL":
        break;
      case "FROM": {
        const name = /\s+AS\s+(\S+)$/i.exec(text)?.[1] ?? String(stageRoot.size);
        root = join(dir, name);
        mkdirSync(root, { recursive: true });
        stageRoot.set(name, root);
        workdir = "/";
        env = {};
        args = {};
        break;
      }
      case "WORKDIR":
        workdir = text.trim();
        mkdirSync(inStage("."), { recursive: true });
        break;
      case "ENV":
        for (const m of text.matchAll(/(\w+)=("[^"]*"|\S+)/g))
          env[m[1] ?? ""] = substitute((m[2] ?? "").replace(/^"|"$/g, ""));
        break;
      case "USER":
        user = text.trim();
        break;
      case "CMD":
        cmd = JSON.parse(text) as string[];
        break;
      case "HEALTHCHECK":
        healthcheck = JSON.parse(text.slice(text.indexOf("CMD ") + 4)) as string[];
        break;
      case "COPY": {
        const words = text.split(/\s+/);
        const from = words.find((w) => w.startsWith("--from="))?.slice(7);
        const [src, dst] = words.filter((w) => !w.startsWith("--"));
        if (!src || !dst) throw new Error(`COPY ${text}`);
        const target = inStage(dst);
        if (!from) {
          if (src !== ".") throw new Error(`only "COPY . ." from the context is supported: ${text}`);
          copyContext(target);
          break;
        }
        const source = join(stageRoot.get(from) ?? "", src);
        if (!existsSync(source)) throw new Error(`COPY --from=${from}: ${src} does not exist`);
        mkdirSync(target, { recursive: true });
        if (statSync(source).isDirectory())
          cpSync(source, target, { recursive: true, verbatimSymlinks: true });
        else cpSync(source, dst.endsWith("/") ? join(target, basename(source)) : target);
        break;
      }
      case "RUN": {
        const command = text.replace(/(^|\s)\/(?=[A-Za-z])/g, `$1${root}/`);
        log(`RUN ${text}`);
        const r = spawnSync("sh", ["-c", command], {
          cwd: inStage("."),
          env: { ...process.env, ...args, ...env },
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
        if (r.status !== 0) throw new Error(`RUN ${text}\nexit ${r.status}\n${r.stdout}\n${r.stderr}`);
        break;
      }
      default:
        throw new Error(`unsupported instruction ${op}`);
    }
  }
  return { root, workdir, env, cmd, healthcheck, user };
}
