// Renders the project's nginx templates the way the official nginx image does (envsubst of the ${SB_*} variables
// only, NGINX_ENVSUBST_FILTER=^SB_) into a private nginx tree that includes the project's own snippet files.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "./paths.js";

export const NGINX_BIN = "/usr/sbin/nginx";
/** The web app's production build: what the nginx image (nginx/Dockerfile) serves as its web root. */
export const WEB_ROOT = join(repoRoot, "packages", "web", "dist");

/** Substitutes `${SB_NAME}` placeholders; a placeholder without a value is an error (envsubst would leave it empty). */
export function renderTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  const out = text.replace(/\$\{(SB_[A-Z0-9_]+)\}/g, (_m, name: string) => {
    const value = vars[name];
    if (value === undefined) missing.add(name);
    return value ?? "";
  });
  if (missing.size > 0)
    throw new Error(`nginx template variables without a value: ${[...missing].join(", ")}`);
  return out;
}

export interface NginxTree {
  readonly dir: string;
  readonly conf: string;
  readonly accessLog: string;
  readonly errorLog: string;
  /** Folders outside `dir` that the rendered files name (web root, TLS files): what a container must see too. */
  readonly outside: readonly string[];
}

/**
 * Writes `<dir>/nginx.conf` (the main file of the image, with paths inside `dir`), `<dir>/conf.d/*.conf` rendered
 * from the given template folders, and `<dir>/switchboard/` (the project's snippets, included by relative path as
 * in the image's /etc/nginx/switchboard).
 */
export function writeNginxTree(
  dir: string,
  opts: {
    templateDirs: readonly string[];
    vars: Readonly<Record<string, string>>;
    /** `worker_connections` (default 256); each proxied WebSocket takes two. */
    workerConnections?: number;
  },
): NginxTree {
  mkdirSync(join(dir, "conf.d"), { recursive: true });
  mkdirSync(join(dir, "logs"), { recursive: true });
  chmodSync(dir, 0o755);
  cpSync(join(repoRoot, "nginx", "switchboard"), join(dir, "switchboard"), { recursive: true });
  const accessLog = join(dir, "logs", "access.log");
  const errorLog = join(dir, "logs", "error.log");
  const vars: Readonly<Record<string, string>> = { ...opts.vars, SB_ACCESS_LOG: accessLog };
  for (const tdir of opts.templateDirs) {
    for (const name of readdirSync(join(repoRoot, tdir))) {
      if (!name.endsWith(".conf.template")) continue;
      const text = readFileSync(join(repoRoot, tdir, name), "utf8");
      writeFileSync(join(dir, "conf.d", name.replace(/\.template$/, "")), renderTemplate(text, vars));
    }
  }
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    [
      "worker_processes 1;",
      `pid ${join(dir, "nginx.pid")};`,
      `error_log ${errorLog} warn;`,
      "daemon off;",
      `events { worker_connections ${opts.workerConnections ?? 256}; }`,
      "http {",
      "  include /etc/nginx/mime.types;",
      "  default_type application/octet-stream;",
      `  client_body_temp_path ${join(dir, "tmp-body")};`,
      `  proxy_temp_path ${join(dir, "tmp-proxy")};`,
      `  fastcgi_temp_path ${join(dir, "tmp-fastcgi")};`,
      `  uwsgi_temp_path ${join(dir, "tmp-uwsgi")};`,
      `  scgi_temp_path ${join(dir, "tmp-scgi")};`,
      "  sendfile on;",
      "  keepalive_timeout 65;",
      "  include conf.d/*.conf;",
      "}",
      "",
    ].join("\n"),
  );
  const outside = [
    vars.SB_WEB_ROOT,
    vars.SB_TLS_CERT === undefined ? undefined : dirname(vars.SB_TLS_CERT),
    vars.SB_TLS_KEY === undefined ? undefined : dirname(vars.SB_TLS_KEY),
  ].filter((p): p is string => p !== undefined && p.startsWith("/"));
  return { dir, conf, accessLog, errorLog, outside: [...new Set(outside)] };
}

/** nginx's arguments for a tree (prefix, main file, error log), local or in a container; `-t` first to check it. */
export function nginxArgs(tree: NginxTree, opts: { check?: boolean } = {}): string[] {
  return [...(opts.check ? ["-t"] : []), "-p", tree.dir, "-c", tree.conf, "-e", tree.errorLog];
}

/** `nginx -t` on a tree with the local binary; returns nginx's exit status and what it printed. */
export function localNginxTest(tree: NginxTree): { status: number | null; output: string } {
  const r = spawnSync(NGINX_BIN, nginxArgs(tree, { check: true }), { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Variables for a local tree: web root of the project, given upstream servers and ports. */
export function localVars(opts: {
  httpPort: number;
  httpsPort?: number;
  signaling: readonly string[];
  tracker: readonly string[];
  stunAdmin: string;
  turnAdmin: string;
  tls?: { cert: string; key: string };
}): Record<string, string> {
  const servers = (list: readonly string[]) =>
    list.map((a) => `server ${a} max_fails=1 fail_timeout=2s;`).join("\n  ");
  return {
    SB_HTTP_PORT: `127.0.0.1:${opts.httpPort}`,
    SB_HTTP_MODE: opts.tls ? "redirect-to-https" : "server",
    SB_SERVER_NAME: "_",
    SB_WEB_ROOT: WEB_ROOT,
    SB_SIGNALING_SERVERS: servers(opts.signaling),
    SB_TRACKER_SERVERS: servers(opts.tracker),
    SB_STUN_ADMIN: opts.stunAdmin,
    SB_TURN_ADMIN: opts.turnAdmin,
    ...(opts.tls
      ? {
          SB_HTTPS_PORT: `127.0.0.1:${opts.httpsPort ?? 0}`,
          SB_TLS_CERT: opts.tls.cert,
          SB_TLS_KEY: opts.tls.key,
        }
      : {}),
  };
}
