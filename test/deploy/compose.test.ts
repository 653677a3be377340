// docker-compose.yml and docker-compose.prod.yml against the compose specification (JSON Schema), plus what the
// schema cannot know: the files they mount exist, nginx gets every template variable, secrets stay in env files,
// the production override turns on what it promises. `docker compose config` runs too where the plugin exists.
import { describe, it } from "@jest/globals";
import { skipTest } from "@switchboard/test-support/jest";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  at,
  composeValidator,
  describeErrors,
  interpolate,
  loadCompose,
  mapOf,
  scalar,
  stringsOf,
  type Yaml,
} from "./lib/compose.js";
import { repoRoot } from "./lib/paths.js";

const ENV = { PUBLIC_HOST: "sb.example.org", TURN_EXTERNAL_HOST: "203.0.113.10" };
const SERVICES = ["stun", "turn", "signaling", "tracker"] as const;
const dev = loadCompose("docker-compose.yml", ENV);
const prod = loadCompose("docker-compose.prod.yml", ENV);
const validate = composeValidator();

/** Compose's merge of an override into a base file (maps merged, lists of mounts/ports/env files appended). */
function merge(base: Yaml | undefined, over: Yaml | undefined): Yaml | undefined {
  if (over === undefined) return base;
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (base && over && typeof base === "object" && typeof over === "object" && !Array.isArray(over)) {
    const out: Record<string, Yaml> = { ...mapOf(base) };
    for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v) ?? null;
    return out;
  }
  return over;
}
const merged = merge(dev, prod);
const service = (doc: Yaml | undefined, name: string) => mapOf(at(doc, "services", name));
const envOf = (doc: Yaml | undefined, name: string) => mapOf(service(doc, name).environment);

function envFileValues(files: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const f of files) {
    const path = join(repoRoot, existsSync(join(repoRoot, f)) ? f : `${f}.example`);
    for (const line of readFileSync(path, "utf8").split("\n")) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] !== undefined) values.set(m[1], m[2] ?? "");
    }
  }
  return values;
}

describe("compose files", () => {
  it("follow the compose specification (and the validator rejects a broken file)", () => {
    for (const [name, doc] of [
      ["docker-compose.yml", dev],
      ["docker-compose.prod.yml", prod],
      ["merged", merged],
    ] as const) {
      assert.ok(validate(doc), `${name}:\n${describeErrors(validate.errors)}`);
    }
    const broken = merge(dev, { services: { stun: { restart: 3, portz: ["1"] } } });
    assert.equal(validate(broken), false);
    const badPort = merge(dev, { services: { stun: { ports: ["3478:udp/3478"] } } });
    assert.equal(validate(badPort), false, "port syntax is checked");
  });

  it("interpolate like compose: defaults, required variables, $$", () => {
    assert.equal(interpolate("a${X:-d}b${Y}c$$", { Y: "y" }), "adbyc$");
    assert.throws(() => interpolate("${X:?set X}", {}), /set X/);
    assert.equal(interpolate("${X-d}", { X: "" }), "");
  });

  it("development stack: every service, Redis, nginx, Prometheus and Grafana", () => {
    const names = Object.keys(mapOf(at(dev, "services")));
    for (const n of ["redis", ...SERVICES, "nginx", "prometheus", "grafana"]) assert.ok(names.includes(n), n);
    for (const s of SERVICES) {
      const build = mapOf(service(dev, s).build);
      assert.equal(build.context, ".", `${s} builds from the monorepo root`);
      assert.equal(build.dockerfile, "Dockerfile");
      assert.equal(mapOf(build.args).SERVICE, s, `${s} is the image's SERVICE`);
    }
    for (const s of ["signaling", "tracker"]) {
      assert.equal(envOf(dev, s).REDIS_URL, "redis://redis:6379", `${s} keeps its state in Redis`);
    }
    // Scaling signaling needs no published port; nginx reaches the replicas by name.
    assert.deepEqual(stringsOf(service(dev, "signaling").ports), []);
  });

  it("STUN and TURN publish their ports directly, with the TURN relay range", () => {
    assert.deepEqual(stringsOf(service(dev, "stun").ports).sort(), ["3478:3478/tcp", "3478:3478/udp"]);
    const turn = envOf(dev, "turn");
    const ports = stringsOf(service(dev, "turn").ports);
    assert.ok(ports.includes("3479:3479/udp") && ports.includes("3479:3479/tcp"));
    const range = `${scalar(turn.TURN_MIN_PORT)}-${scalar(turn.TURN_MAX_PORT)}`;
    assert.ok(ports.includes(`${range}:${range}/udp`), `relay range ${range} published: ${ports.join(" ")}`);
    assert.ok(stringsOf(service(prod, "turn").ports).includes("5349:5349/tcp"), "TURN over TLS in prod");
  });

  it("every mounted file and env file exists (secrets and certificates: their templates)", () => {
    for (const doc of [dev, prod]) {
      for (const [name, svc] of Object.entries(mapOf(at(doc, "services")))) {
        for (const v of stringsOf(mapOf(svc).volumes)) {
          const host = v.split(":")[0] ?? "";
          if (!host.startsWith(".")) continue; // named volume
          const ok = host === "./deploy/tls" || existsSync(join(repoRoot, host));
          assert.ok(ok, `${name}: ${host} exists`);
        }
        for (const f of stringsOf(mapOf(svc).env_file)) {
          assert.ok(
            existsSync(join(repoRoot, f)) || existsSync(join(repoRoot, `${f}.example`)),
            `${name}: ${f}`,
          );
        }
      }
    }
  });

  it("nginx gets a value for every ${SB_*} placeholder of the templates it mounts", () => {
    for (const [label, doc] of [
      ["dev", dev],
      ["prod", merged],
    ] as const) {
      const nginx = service(doc, "nginx");
      const env = envOf(doc, "nginx");
      assert.equal(env.NGINX_ENVSUBST_FILTER, "^SB_");
      for (const v of stringsOf(nginx.volumes).filter((v) => v.includes(".template:"))) {
        const text = readFileSync(join(repoRoot, v.split(":")[0] ?? ""), "utf8");
        for (const m of text.matchAll(/\$\{(SB_[A-Z0-9_]+)\}/g)) {
          assert.ok(typeof env[m[1] ?? ""] === "string", `${label}: nginx needs ${m[1]} for ${v}`);
        }
      }
    }
  });

  it("TURN and signaling share one TURN secret, from env files only", () => {
    for (const doc of [dev, merged]) {
      const turn = envFileValues(stringsOf(service(doc, "turn").env_file));
      const sig = envFileValues(stringsOf(service(doc, "signaling").env_file));
      assert.ok((turn.get("TURN_SECRET") ?? "").length >= 16);
      assert.equal(sig.get("TURN_SECRET"), turn.get("TURN_SECRET"));
    }
    for (const [name, svc] of Object.entries(mapOf(at(merged, "services")))) {
      for (const key of Object.keys(mapOf(mapOf(svc).environment))) {
        assert.doesNotMatch(key, /SECRET|PASSWORD|PRIVATE_KEY/, `${name}: ${key} belongs in an env file`);
      }
    }
  });

  it("production: TLS, no anonymous signaling, restarts, limits, log rotation, replicas", () => {
    assert.equal(envOf(merged, "signaling").ALLOW_ANONYMOUS, "false");
    assert.ok(Number(at(merged, "services", "signaling", "deploy", "replicas")) >= 2);
    assert.equal(envOf(merged, "nginx").SB_HTTP_MODE, "redirect-to-https");
    assert.ok(stringsOf(service(merged, "nginx").ports).includes("443:443"));
    assert.ok(scalar(envOf(merged, "turn").TURN_TLS_CERT).startsWith("/run/tls/"));
    assert.equal(
      envOf(merged, "turn").TURN_ALLOWED_PEER_IPS,
      "",
      "production TURN relays to no private peer",
    );
    for (const [name, svc] of Object.entries(mapOf(at(merged, "services")))) {
      const s = mapOf(svc);
      assert.equal(s.restart, "always", `${name} restart`);
      assert.equal(at(s, "logging", "driver"), "json-file", `${name} logging`);
      assert.ok(at(s, "logging", "options", "max-size"), `${name} log rotation`);
      assert.ok(at(s, "deploy", "resources", "limits", "memory"), `${name} memory limit`);
    }
    assert.throws(() => loadCompose("docker-compose.prod.yml", {}), /PUBLIC_HOST|TURN_EXTERNAL_HOST/);
  });

  it("one Dockerfile for every service: multi-stage from the root, pruned, non-root, Node 24, HEALTHCHECK on /health", () => {
    const adminPort: Record<string, string> = {
      stun: "9478",
      turn: "9479",
      signaling: "8080",
      tracker: "8000",
    };
    // The four near-copies are gone: one recipe, the service a build argument.
    for (const s of SERVICES)
      assert.ok(!existsSync(join(repoRoot, `services/${s}/Dockerfile`)), `services/${s}/Dockerfile`);
    const text = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    assert.ok((text.match(/^FROM /gm) ?? []).length >= 3, "multi-stage");
    assert.match(text, /turbo@[0-9.]+ prune "@switchboard\/\$SERVICE" --docker/);
    assert.match(text, /"--filter=@switchboard\/\$SERVICE\.\.\."/);
    assert.match(text, /npm prune --omit=dev/);
    assert.match(
      text,
      /^COPY --from=prune \/src\/tsconfig.base.json .\/$/m,
      "tsconfig.base.json (not in turbo prune)",
    );
    assert.match(text, /^USER node$/m);
    // A supported LTS: slim runtime; the native UDP addon is compiled in a build stage with a C compiler.
    assert.match(text, /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    assert.match(text, /^ARG BUILD_IMAGE=node:24-bookworm$/m, "build image with a compiler");
    assert.match(text, /^FROM \$\{BUILD_IMAGE\} AS build$/m);
    assert.match(text, /^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    // Every stage that uses SERVICE declares it (an ARG before FROM is only visible to FROM lines).
    for (const stage of text.split(/^FROM /m).slice(1))
      assert.match(stage, /^ARG SERVICE$/m, `stage ${stage.split("\n")[0]}`);
    assert.match(text, /^ENV SWITCHBOARD_SERVICE=\$\{SERVICE\}$/m);
    assert.match(text, /^EXPOSE \$\{PORTS\}$/m);
    // Per-service node flags come in as a build argument and go on node's command line (NODE_OPTIONS would refuse
    // most V8 flags); exec keeps node as the process that gets the stop signal.
    assert.match(text, /^CMD \["\/bin\/sh", "-c", "exec node \$NODE_FLAGS main.js"\]$/m);
    assert.match(text, /^ARG NODE_FLAGS=""$/m);
    assert.match(text, /^ENV NODE_FLAGS=\$\{NODE_FLAGS\}$/m);
    assert.doesNotMatch(text, /^ENV NODE_OPTIONS/m);
    assert.equal(
      mapOf(mapOf(service(dev, "tracker").build).args).NODE_FLAGS,
      "--max-semi-space-size=4 --single-threaded-gc",
    );
    // The tracker's allocator: two arenas, fixed trim and mmap thresholds (docs/BENCHMARKS.md, tracker memory round
    // five), in dev and production alike.
    for (const doc of [dev, merged])
      assert.equal(
        envOf(doc, "tracker").GLIBC_TUNABLES,
        "glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072",
      );
    const health = /^HEALTHCHECK .*\n.*$/m.exec(text)?.[0] ?? "";
    for (const s of SERVICES)
      assert.match(health, new RegExp(`${s}: e\\.[A-Z_]+ \\|\\| ${adminPort[s]}`), `${s} health port`);
    assert.match(health, /fetch\('http:\/\/127\.0\.0\.1:' \+ port \+ '\/health'\)/);
    // Compose passes each service its name and the ports it declares, admin port included.
    for (const s of SERVICES) {
      const args = mapOf(mapOf(service(dev, s).build).args);
      assert.equal(args.SERVICE, s);
      assert.ok(
        (typeof args.PORTS === "string" ? args.PORTS : "").split(" ").includes(`${adminPort[s]}/tcp`),
        `${s} exposes its admin port`,
      );
    }
    const ignore = readFileSync(join(repoRoot, ".dockerignore"), "utf8");
    for (const p of ["**/node_modules", "**/dist", ".git", ".env"])
      assert.ok(ignore.split("\n").includes(p), p);
  });

  it("nginx: an image with the web app's build as its web root, no placeholder page mounted over it", () => {
    const nginx = service(dev, "nginx");
    assert.deepEqual(mapOf(nginx.build), { context: ".", dockerfile: "nginx/Dockerfile" });
    const webRoot = scalar(envOf(dev, "nginx").SB_WEB_ROOT);
    const text = readFileSync(join(repoRoot, "nginx/Dockerfile"), "utf8");
    assert.match(text, /turbo@[0-9.]+ prune @switchboard\/web --docker/);
    assert.match(text, /turbo run build --filter=@switchboard\/web\.\.\./);
    assert.match(text, /^FROM \$\{NGINX_IMAGE\} AS runtime$/m);
    assert.match(text, new RegExp(`^COPY --from=build /app/packages/web/dist/ ${webRoot}/$`, "m"));
    for (const doc of [dev, merged]) {
      const mounts = stringsOf(service(doc, "nginx").volumes).map((v) => v.split(":")[1] ?? "");
      assert.ok(!mounts.includes(webRoot), `nothing is mounted over ${webRoot}: ${mounts.join(" ")}`);
    }
  });

  it("docker compose config accepts both files", () => {
    const version = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
    if (version.status !== 0) {
      skipTest("the docker compose plugin is not installed here (schema validation above covers the files)");
      return;
    }
    const r = spawnSync(
      "docker",
      ["compose", "-f", "docker-compose.yml", "-f", "docker-compose.prod.yml", "config", "--quiet"],
      { cwd: repoRoot, encoding: "utf8", env: { ...process.env, ...ENV } },
    );
    assert.equal(r.status, 0, r.stderr);
  });
});
