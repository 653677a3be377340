// The Dockerfile (one for every service, SERVICE build argument) carried out without Docker (test/deploy/lib/dockerfile-runner.ts): turbo prune, install
// from the pruned lockfile, build, prune to production dependencies, then the final stage's CMD runs, its /health
// answers, and the image's own HEALTHCHECK command passes (and fails once the service is stopped).
// By default the signaling image (the one with the most workspace and npm dependencies); a full build of every
// image takes minutes here: SWITCHBOARD_DOCKERFILES=all (or a comma-separated list) selects others.
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { dockerIgnore, parseDockerfile, runDockerfile } from "../lib/dockerfile-runner.js";
import { repoRoot } from "../lib/paths.js";
import { deployedAllocatorEnv, deployedNodeFlags } from "../../../bench/deployed-node-flags.js";
import { freePort } from "@switchboard/test-support";
import { startProc, stopProc, waitForHttp } from "../lib/processes.js";
import { SERVICE_NAMES, type ServiceName } from "../lib/services.js";

const wanted = process.env.SWITCHBOARD_DOCKERFILES ?? "signaling";
const chosen = SERVICE_NAMES.filter((s) => wanted === "all" || wanted.split(",").includes(s));

/** Env that puts a service's ports on free ones; `admin` is the port /health is on. */
async function portsFor(name: ServiceName): Promise<{ env: Record<string, string>; admin: number }> {
  switch (name) {
    case "stun": {
      const admin = await freePort();
      const env = {
        STUN_PORT: String(await freePort({ protocol: "both" })),
        STUN_ADMIN_PORT: String(admin),
        STUN_WORKERS: "1",
      };
      return { env, admin };
    }
    case "turn": {
      const admin = await freePort();
      return {
        env: {
          TURN_PORT: String(await freePort({ protocol: "both" })),
          TURN_ADMIN_PORT: String(admin),
          TURN_RELAY_HOST: "127.0.0.1",
          TURN_SECRET: "dockerfile-test-secret",
        },
        admin,
      };
    }
    case "signaling": {
      const admin = await freePort();
      return { env: { SIGNALING_PORT: String(admin), SIGNALING_HOST: "127.0.0.1" }, admin };
    }
    case "tracker": {
      const admin = await freePort({ protocol: "both" });
      return {
        env: { TRACKER_PORT: String(admin), TRACKER_UDP_PORT: String(admin), TRACKER_HOST: "127.0.0.1" },
        admin,
      };
    }
  }
}

describe("Dockerfiles, carried out without Docker", () => {
  const dir = mkdtempSync(join(tmpdir(), "sb-dockerfile-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the runner's .dockerignore matching and Dockerfile parsing", () => {
    const ignored = dockerIgnore("**/node_modules\n.git\n**/*.test.ts\n**/test/\nbench\n");
    assert.ok(ignored("node_modules") && ignored("services/turn/node_modules") && ignored(".git"));
    assert.ok(ignored("packages/runtime/src/a.test.ts") && ignored("services/stun/test") && ignored("bench"));
    assert.ok(!ignored("services/stun/src/main.ts") && !ignored("package.json") && !ignored("benchmarks.md"));
    const steps = parseDockerfile("FROM a AS b\n# c\nRUN x \\\n && y\n");
    assert.deepEqual(steps, [
      { op: "FROM", args: "a AS b" },
      { op: "RUN", args: "x   && y" },
    ]);
  });

  for (const name of chosen) {
    it(`the Dockerfile with SERVICE=${name} builds a runnable, healthy image`, async () => {
      // The build arguments compose passes (NODE_FLAGS: the tracker's node flags), so the CMD runs as deployed.
      const nodeFlags = deployedNodeFlags(join(repoRoot, "services", name)).join(" ");
      const image = runDockerfile("Dockerfile", join(dir, name), {
        SERVICE: name,
        PORTS: "1/tcp",
        ...(nodeFlags ? { NODE_FLAGS: nodeFlags } : {}),
      });
      assert.equal(image.env.NODE_FLAGS, nodeFlags);
      const app = join(image.root, image.workdir);
      assert.equal(image.user, "node");
      assert.equal(image.env.SWITCHBOARD_SERVICE, name);
      assert.ok(existsSync(join(app, `services/${name}/dist/main.js`)), "compiled service in the image");
      assert.equal(
        readFileSync(join(app, "main.js"), "utf8"),
        `import "./services/${name}/dist/main.js";\n`,
        "the image's entry starts the chosen service",
      );
      for (const other of SERVICE_NAMES.filter((s) => s !== name))
        assert.ok(!existsSync(join(app, `services/${other}`)), `no ${other} in the ${name} image`);
      assert.ok(!existsSync(join(app, `services/${name}/src`)), "no TypeScript sources in the image");
      if (name === "stun" || name === "turn")
        assert.ok(
          existsSync(join(app, "packages/datagram/dist/batch-udp.node")),
          "the batched-UDP addon is built",
        );
      // Build and test tools are gone (a dev dependency may stay when a runtime package needs it too, e.g. ajv).
      for (const dev of [
        "typescript",
        "turbo",
        "tsx",
        "eslint",
        "prettier",
        "playwright-core",
        "@types/node",
      ]) {
        assert.ok(!existsSync(join(app, "node_modules", dev)), `dev dependency ${dev} pruned`);
      }
      const { env, admin } = await portsFor(name);
      // Compose's environment for the allocator (the tracker's GLIBC_TUNABLES) too: the service starts with it.
      const fullEnv = {
        ...process.env,
        ...image.env,
        ...deployedAllocatorEnv(join(repoRoot, "services", name)),
        ...env,
        LOG_LEVEL: "warn",
      };
      // CMD is `/bin/sh -c "exec node $NODE_FLAGS main.js"` (Node refuses some V8 flags in NODE_OPTIONS): run it
      // as Docker does, with this machine's node first on PATH; `exec` makes node the process that gets SIGTERM.
      const [bin, ...args] = image.cmd;
      assert.equal(bin, "/bin/sh");
      assert.deepEqual(args, ["-c", "exec node $NODE_FLAGS main.js"]);
      const path = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
      const proc = startProc(name, bin, args, { cwd: app, env: { ...fullEnv, PATH: path } });
      try {
        await waitForHttp(`http://127.0.0.1:${admin}/health`, { proc, timeoutMs: 30_000 });
        const check = () =>
          spawnSync(process.execPath, image.healthcheck.slice(1), { cwd: app, env: fullEnv, timeout: 10_000 })
            .status;
        assert.equal(image.healthcheck[0], "node");
        assert.equal(check(), 0, "HEALTHCHECK passes while the service is up");
        await stopProc(proc);
        assert.equal(check(), 1, "HEALTHCHECK fails once it is down");
      } finally {
        await stopProc(proc);
      }
    }, 280_000);
  }

  it("the Dockerfile refuses a build without a known SERVICE", () => {
    assert.throws(
      () => runDockerfile("Dockerfile", join(dir, "none"), { PORTS: "1/tcp" }),
      /build with --build-arg SERVICE=stun\|turn\|signaling\|tracker/,
    );
    assert.throws(
      () => runDockerfile("Dockerfile", join(dir, "bogus"), { SERVICE: "bogus", PORTS: "1/tcp" }),
      /got 'bogus'/,
    );
  });

  it("the Dockerfile pins the turbo version the repository uses", () => {
    const installed = (
      JSON.parse(readFileSync(join(repoRoot, "node_modules/turbo/package.json"), "utf8")) as {
        version: string;
      }
    ).version;
    const text = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    assert.match(text, new RegExp(`turbo@${installed.replaceAll(".", "\\.")} prune`));
  });
});
