// What a container of the deploy suite gets (lib/containers.ts starts it): the official image, the same arguments as
// the local binary, and the test's files bind-mounted at the same paths so that every absolute path in the rendered
// nginx tree and Prometheus config stays valid inside. Pure: no Docker needed to build or test a plan.
//
// Network: `--network host`. The tests start our services on 127.0.0.1 with free ports, and the rendered files name
// them there (nginx upstreams, Prometheus targets) as well as the servers' own listen addresses; in the host's
// network namespace 127.0.0.1 is the same loopback, so the files and the tests' URLs need no change and no port
// mapping. @switchboard/test-support's chooseDeployBacking only picks containers for an engine where that holds.
// User: the test's own uid:gid, so whatever nginx or Prometheus writes into the test's folders (logs, pid, TSDB) is
// the test's to delete; both run unprivileged fine on ports above 1024 (nginx warns nothing: the files set no `user`).
import { IMAGES } from "@switchboard/test-support";
import type { NginxTree } from "./nginx-config.js";
import { nginxArgs } from "./nginx-config.js";
import { prometheusArgs } from "./prometheus-args.js";

export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly mode: "ro" | "rw";
}

export interface ContainerPlan {
  /** Name in test output. */
  readonly name: string;
  readonly image: string;
  readonly entrypoint: readonly string[];
  readonly command: readonly string[];
  readonly binds: readonly BindMount[];
  /** `uid:gid` the container runs as. */
  readonly user: string;
  readonly networkMode: "host";
}

/** The test process's own `uid:gid`. */
export function hostUser(): string {
  return `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
}

const within = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);

/**
 * Same-path bind mounts for folders to write (`rw`) and to read (`ro`); a folder inside another listed one is left
 * out when the outer mount already gives it as much (a read folder inside a written one, a repeated folder).
 */
export function sameBinds(rw: readonly string[], ro: readonly string[]): BindMount[] {
  for (const p of [...rw, ...ro])
    if (!p.startsWith("/")) throw new Error(`bind mounts need absolute paths: ${p}`);
  const out: BindMount[] = [];
  const rwSet = [...new Set(rw)];
  for (const p of rwSet)
    if (!rwSet.some((q) => q !== p && within(p, q))) out.push({ source: p, target: p, mode: "rw" });
  const roSet = [...new Set(ro)].filter((p) => !rwSet.some((q) => within(p, q)));
  for (const p of roSet)
    if (!roSet.some((q) => q !== p && within(p, q))) out.push({ source: p, target: p, mode: "ro" });
  return out;
}

/**
 * nginx from the official image on a rendered tree (lib/nginx-config.ts): the image's entrypoint scripts (template
 * rendering into /etc/nginx/conf.d, IPv6 listen edits) are bypassed, since the tree is already rendered the way they
 * would; `/etc/nginx/mime.types`, which the tree includes, is the image's own.
 */
export function nginxPlan(tree: NginxTree, opts: { check?: boolean; user?: string } = {}): ContainerPlan {
  return {
    name: opts.check ? "nginx -t (container)" : "nginx (container)",
    image: IMAGES.nginx,
    entrypoint: ["nginx"],
    command: nginxArgs(tree, opts),
    binds: sameBinds([tree.dir], tree.outside),
    user: opts.user ?? hostUser(),
    networkMode: "host",
  };
}

/** Prometheus from the official image on the folder startPrometheus wrote (config, rules, TSDB). */
export function prometheusPlan(dir: string, address: string, opts: { user?: string } = {}): ContainerPlan {
  return {
    name: "prometheus (container)",
    image: IMAGES.prometheus,
    entrypoint: ["/bin/prometheus"],
    command: prometheusArgs(dir, address),
    binds: sameBinds([dir], []),
    user: opts.user ?? hostUser(),
    networkMode: "host",
  };
}
