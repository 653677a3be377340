#!/usr/bin/env node
// Runs the test suites with node's own test runner on the TypeScript sources (tsx, "source" export condition).
//   node scripts/run-tests.mjs unit      unit + integration tests: src/**/*.test.ts and test/**/*.test.ts
//   node scripts/run-tests.mjs interop   third-party clients (coturn, Chromium, libtorrent...): **/interop/*.test.ts
//   node scripts/run-tests.mjs all       both
//   node scripts/run-tests.mjs <files…>  just these files
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const SKIP = new Set(["node_modules", "dist", ".turbo", ".git", ".peers", ".before", "results"]);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith(".test.ts")) out.push(relative(root, path));
  }
  return out;
}

const [mode = "unit", ...rest] = process.argv.slice(2);
const all = ["packages", "services", "test"].flatMap((d) => {
  try {
    return walk(join(root, d), []);
  } catch {
    return [];
  }
});
const isInterop = (f) => f.split("/").includes("interop");
const files =
  mode === "unit"
    ? all.filter((f) => !isInterop(f))
    : mode === "interop"
      ? all.filter(isInterop)
      : mode === "all"
        ? all
        : [mode, ...rest];
files.sort();
if (files.length === 0) {
  console.error(`no test files for "${mode}"`);
  process.exit(1);
}
const concurrency = mode === "interop" ? 1 : 2;
const result = spawnSync(
  process.execPath,
  [
    "--conditions=source",
    "--import",
    "tsx",
    "--test",
    `--test-concurrency=${concurrency}`,
    "--test-timeout=300000",
    ...files,
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, SWITCHBOARD_TEST: "1" } },
);
process.exit(result.status ?? 1);
