#!/usr/bin/env node
// Runs test suites with jest (jest.config.mjs: projects unit, deploy, interop) on the TypeScript sources.
//   node scripts/run-tests.mjs unit        unit + integration tests and the deploy suite (projects unit, deploy)
//   node scripts/run-tests.mjs interop     third-party clients (coturn, Chromium, libtorrent...): **/interop/**
//   node scripts/run-tests.mjs deploy      the deploy suite alone
//   node scripts/run-tests.mjs all         every project
//   node scripts/run-tests.mjs node24      the unit tests beside the code (src/**/*.test.ts) on Node 24 (`node` package)
//   node scripts/run-tests.mjs <files…>    just these files (or path patterns)
// Extra jest flags go after `--`. With TEST_RESULTS_DIR set, each run writes jest's JSON result there
// (scripts/test-summary.mjs sums them into the closing line of `npm test`).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const jestBin = join(root, "node_modules/jest/bin/jest.js");

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const [mode = "unit", ...rest] = dash === -1 ? argv : argv.slice(0, dash);
const extra = dash === -1 ? [] : argv.slice(dash + 1);

// node:test ran unit files two at a time and interop files one at a time (they drive Chromium, coturn, network
// namespaces…); jest's workers keep the same concurrency.
const MODES = {
  unit: { args: ["--selectProjects", "unit", "deploy"], workers: 2 },
  interop: { args: ["--selectProjects", "interop"], workers: 1 },
  deploy: { args: ["--selectProjects", "deploy"], workers: 2 },
  all: { args: [], workers: 2 },
  // The unit tests beside the code (src/**/*.test.ts: codecs, state machines, handlers on loopback sockets) of
  // every package and service: a break on the LTS shows within minutes; the integration suites (services as child
  // processes, Redis, third-party tools) stay on the runtime the machine's services run on.
  node24: { args: ["--selectProjects", "unit", "--testPathPatterns", "/src/.*\\.test\\.ts$"], workers: 2 },
};

let node = process.execPath;
if (mode === "node24") {
  // The `node` package from the registry ships Node's binary; npx caches it (no system install needed).
  const which = spawnSync("npx", ["-y", "-p", "node@24", "-c", "command -v node"], { encoding: "utf8" });
  node = which.stdout.trim();
  if (which.status !== 0 || !node) {
    console.error(`could not get Node 24 from the registry: ${which.stderr}`);
    process.exit(1);
  }
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.log(`Node ${version} at ${node}`);
}

const files = [mode, ...rest];
const chosen = MODES[mode] ?? {
  args: ["--selectProjects", "unit", "deploy", "interop", "--", ...files],
  workers: files.some((f) => f.split("/").includes("interop")) ? 1 : 2,
};
const output = [];
if (process.env.TEST_RESULTS_DIR) {
  mkdirSync(process.env.TEST_RESULTS_DIR, { recursive: true });
  output.push(
    "--json",
    "--outputFile",
    join(process.env.TEST_RESULTS_DIR, `${MODES[mode] ? mode : "files"}.json`),
  );
}
const flags = ["--experimental-vm-modules", "--disable-warning=ExperimentalWarning"];
// --forceExit: a process a failed test left behind (a redis-server whose stop never ran) holds a worker's stderr,
// and jest would wait on it forever after the last test; results are complete by then, so exit anyway.
const result = spawnSync(
  node,
  [
    ...flags,
    jestBin,
    "--ci",
    "--forceExit",
    `--maxWorkers=${chosen.workers}`,
    ...output,
    ...extra,
    ...chosen.args,
  ],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, SWITCHBOARD_TEST: "1", NODE_OPTIONS: flags.join(" ") },
  },
);
process.exit(result.status ?? 1);
