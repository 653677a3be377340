// The container side of the deploy suite without a Docker engine: what nginx and Prometheus containers would get
// (image, arguments, mounts, network, user) from the same rendered files the local binaries run on, and the one
// decision between the two. Starting the containers needs an engine (lib/containers.ts); this checks the plan.
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { chooseDeployBacking, containerEngine, deployBacking, IMAGES } from "@switchboard/test-support";
import { nginxPlan, prometheusPlan, sameBinds, type ContainerPlan } from "./lib/container-plan.js";
import { containerFor } from "./lib/containers.js";
import { localVars, nginxArgs, WEB_ROOT, writeNginxTree } from "./lib/nginx-config.js";
import { repoRoot } from "./lib/paths.js";
import { prometheusArgs } from "./lib/prometheus-args.js";
import { adjustedConfig } from "./lib/prometheus-run.js";

const dir = mkdtempSync(join(tmpdir(), "sb-cplan-"));
const upstreams = {
  httpPort: 18080,
  signaling: ["127.0.0.1:18081"],
  tracker: ["127.0.0.1:18083"],
  stunAdmin: "127.0.0.1:19478",
  turnAdmin: "127.0.0.1:19479",
};

/** Whether `path` is visible inside the container, and writable when `write`. */
function mounted(plan: ContainerPlan, path: string, write = false): boolean {
  return plan.binds.some(
    (b) =>
      (path === b.target || path.startsWith(`${b.target}/`)) &&
      b.source === b.target &&
      (!write || b.mode === "rw"),
  );
}

/** Absolute file-system paths named by the directives of a rendered nginx file. */
function nginxPaths(text: string): string[] {
  const re =
    /^\s*(?:root|include|access_log|error_log|ssl_certificate|ssl_certificate_key|pid|\w+_temp_path)\s+(\/[^\s;]+)/gm;
  return [...text.matchAll(re)].map((m) => m[1] ?? "");
}

describe("deploy suite containers (plan; no engine needed)", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("nginx: the official image with the local binary's arguments, every path of the rendered files mounted", () => {
    const tls = join(dir, "tls");
    mkdirSync(tls);
    writeFileSync(join(tls, "cert.pem"), "");
    writeFileSync(join(tls, "key.pem"), "");
    const tree = writeNginxTree(join(dir, "nginx"), {
      templateDirs: ["nginx/templates", "nginx/templates-tls"],
      vars: localVars({
        ...upstreams,
        httpsPort: 18443,
        tls: { cert: join(tls, "cert.pem"), key: join(tls, "key.pem") },
      }),
    });
    const plan = nginxPlan(tree, { user: "1000:1000" });
    assert.equal(plan.image, "nginx:1.28-alpine");
    assert.deepEqual(plan.entrypoint, ["nginx"], "the image's template entrypoint is bypassed");
    assert.deepEqual(plan.command, nginxArgs(tree));
    assert.deepEqual(plan.command, ["-p", tree.dir, "-c", tree.conf, "-e", tree.errorLog]);
    assert.equal(plan.networkMode, "host", "127.0.0.1 in the files is the tests' loopback");
    assert.equal(plan.user, "1000:1000");
    assert.deepEqual(plan.binds, [
      { source: tree.dir, target: tree.dir, mode: "rw" },
      { source: WEB_ROOT, target: WEB_ROOT, mode: "ro" },
      { source: tls, target: tls, mode: "ro" },
    ]);
    const files = [
      tree.conf,
      ...readdirSync(join(tree.dir, "conf.d")).map((f) => join(tree.dir, "conf.d", f)),
    ];
    const paths = files.flatMap((f) => nginxPaths(readFileSync(f, "utf8")));
    assert.ok(paths.includes(WEB_ROOT) && paths.includes(join(tls, "key.pem")), paths.join(" "));
    for (const p of paths) {
      if (p.startsWith("/etc/nginx/")) continue; // the image's own (mime.types)
      assert.ok(mounted(plan, p), `${p} is visible in the container`);
    }
    for (const p of [tree.accessLog, tree.errorLog, join(tree.dir, "nginx.pid")])
      assert.ok(mounted(plan, p, true), `${p} is writable in the container`);
    const check = nginxPlan(tree, { check: true });
    assert.deepEqual(check.command, ["-t", ...nginxArgs(tree)]);
    assert.equal(check.user, `${process.getuid?.()}:${process.getgid?.()}`, "the test's own user by default");
  });

  it("nginx image is the one the project's nginx image builds on", () => {
    const dockerfile = readFileSync(join(repoRoot, "nginx/Dockerfile"), "utf8");
    assert.match(dockerfile, new RegExp(`^ARG NGINX_IMAGE=${IMAGES.nginx.replace(/\./g, "\\.")}$`, "m"));
  });

  it("Prometheus: the compose file's pinned image, the local binary's arguments, config and rules mounted", () => {
    const promDir = join(dir, "prometheus");
    mkdirSync(promDir);
    const address = "127.0.0.1:19090";
    const plan = prometheusPlan(promDir, address, { user: "1000:1000" });
    const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8")) as {
      services: Record<string, { image?: string }>;
    };
    assert.equal(plan.image, compose.services.prometheus?.image);
    assert.match(plan.image, /^prom\/prometheus:v\d+\.\d+\.\d+$/, "a pinned version");
    assert.deepEqual(plan.entrypoint, ["/bin/prometheus"]);
    assert.deepEqual(plan.command, prometheusArgs(promDir, address));
    assert.ok(plan.command.includes(`--web.listen-address=${address}`));
    assert.equal(plan.networkMode, "host");
    assert.deepEqual(plan.binds, [{ source: promDir, target: promDir, mode: "rw" }]);
    const config = parse(
      adjustedConfig({ signaling: ["127.0.0.1:1"], tracker: [], stun: [], turn: [] }, address),
    ) as {
      rule_files: string[];
    };
    const configFile = plan.command.find((a) => a.startsWith("--config.file="))?.split("=")[1] ?? "";
    const tsdb = plan.command.find((a) => a.startsWith("--storage.tsdb.path="))?.split("=")[1] ?? "";
    assert.ok(mounted(plan, configFile) && mounted(plan, tsdb, true));
    for (const rules of config.rule_files)
      assert.ok(mounted(plan, resolve(dirname(configFile), rules)), `${rules} is visible`);
  });

  it("same-path mounts: nested and repeated folders once, relative paths refused", () => {
    assert.deepEqual(sameBinds(["/t/a", "/t/a/b", "/t/a"], ["/t/a/web", "/w", "/w/x", "/t/ab"]), [
      { source: "/t/a", target: "/t/a", mode: "rw" },
      { source: "/w", target: "/w", mode: "ro" },
      { source: "/t/ab", target: "/t/ab", mode: "ro" },
    ]);
    assert.throws(() => sameBinds([], ["web"]), /absolute/);
  });

  it("one decision for the run: containers only where the engine shares this loopback", async () => {
    const engine = await containerEngine();
    assert.equal(await deployBacking(), chooseDeployBacking(engine).kind);
    if (!engine.available) assert.equal(await deployBacking(), "local");
  });

  it("testcontainers turns a plan into the Docker create request it describes (not sent: no engine here)", async () => {
    const tree = writeNginxTree(join(dir, "nginx-tc"), {
      templateDirs: ["nginx/templates"],
      vars: localVars(upstreams),
    });
    const plan = nginxPlan(tree, { user: "1000:1000" });
    // testcontainers keeps the request in these fields until start(); reading them checks our mapping onto it.
    const built = (await containerFor(plan)) as unknown as {
      createOpts: { Image: string; Entrypoint?: string[]; Cmd?: string[]; User?: string };
      hostConfig: { Binds?: string[] };
      networkMode?: string;
    };
    assert.equal(built.createOpts.Image, "nginx:1.28-alpine");
    assert.deepEqual(built.createOpts.Entrypoint, ["nginx"]);
    assert.deepEqual(built.createOpts.Cmd, nginxArgs(tree));
    assert.equal(built.createOpts.User, "1000:1000");
    assert.equal(built.networkMode, "host");
    assert.deepEqual(built.hostConfig.Binds, [`${tree.dir}:${tree.dir}:rw`, `${WEB_ROOT}:${WEB_ROOT}:ro`]);
  });
});
