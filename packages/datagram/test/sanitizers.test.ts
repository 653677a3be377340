/**
 * The addon's C under AddressSanitizer and UndefinedBehaviorSanitizer: it is built again with both into a scratch
 * copy of the package, and the socket tests (test/datagram-socket.test.ts) run against that build in a child
 * process (a jest run of its own) with the sanitizer runtimes preloaded. Any out-of-bounds access, use after free or undefined behaviour
 * in receive, send, open or close stops the child with a report.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, it } from "@jest/globals";
import { skipTest } from "@switchboard/test-support/jest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const repo = join(pkg, "../..");
const cc = process.env["CC"] ?? "cc";

/** The compiler's copy of a runtime library, or undefined (cc prints the bare name when it has none). */
function runtime(name: string): string | undefined {
  try {
    const path = execFileSync(cc, [`-print-file-name=${name}`], { encoding: "utf8" }).trim();
    return path !== name && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const scratch = mkdtempSync(join(tmpdir(), "datagram-asan-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("the socket and native-handler tests pass against an ASan + UBSan build of the addon, with no report", async () => {
  const asan = runtime("libasan.so");
  const ubsan = runtime("libubsan.so");
  if (process.platform !== "linux") return skipTest("the addon is Linux-only");
  if (asan === undefined || ubsan === undefined) return skipTest(`${cc} has no sanitizer runtimes here`);
  // The scratch package: sources and tests copied, dependencies resolved through the repository's node_modules.
  for (const dir of ["src", "test"]) cpSync(join(pkg, dir), join(scratch, dir), { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(scratch, "node_modules"));
  mkdirSync(join(scratch, "dist"));
  execFileSync(cc, [
    ...[
      "-std=c11",
      "-O1",
      "-g",
      "-fno-omit-frame-pointer",
      "-fPIC",
      "-shared",
      "-Wall",
      "-Wextra",
      "-Werror",
    ],
    ...["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"],
    ...[`-I${join(process.execPath, "../../include/node")}`, "-I/usr/include/node", "-DNAPI_VERSION=8"],
    ...["-o", join(scratch, "dist/batch-udp.node"), join(pkg, "src/native/batch-udp.c")],
  ]);
  // A jest run of its own in a child process (in band: one process to preload the runtimes into), with the
  // repository's jest settings and the scratch folder as its root.
  const { NODE_OPTIONS: _options, ...inherited } = process.env;
  const env = {
    ...inherited,
    LD_PRELOAD: `${asan}:${ubsan}`,
    // Node's own allocations outlive exit on purpose: leak reports would be about Node, not the addon.
    ASAN_OPTIONS: "detect_leaks=0:verify_asan_link_order=0:abort_on_error=0:exitcode=86",
    UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1:exitcode=87",
  };
  // The sanitized build is what loads (the runtime is mapped into the process).
  const probe = spawnSync(
    process.execPath,
    [
      "-e",
      `require(${JSON.stringify(join(scratch, "dist/batch-udp.node"))});` +
        `const maps = require("fs").readFileSync("/proc/self/maps", "utf8");` +
        `process.stdout.write(String(/libasan/.test(maps) && maps.includes(${JSON.stringify(scratch)})))`,
    ],
    { env, encoding: "utf8" },
  );
  assert.equal(probe.stdout, "true", probe.stderr);
  const projectUrl = pathToFileURL(join(repo, "scripts/jest/project.mjs")).href;
  const { baseProject, TEST_TIMEOUT } = (await import(projectUrl)) as {
    baseProject: (root: string) => object;
    TEST_TIMEOUT: number;
  };
  // One jest process per file: the addon's state is per process (its init() runs once per environment).
  for (const file of ["datagram-socket.test.ts", "native-handler.test.ts"]) {
    const config = {
      ...baseProject(scratch),
      testMatch: [`<rootDir>/test/${file}`],
      testTimeout: TEST_TIMEOUT,
    };
    const results = join(scratch, `${file}.results.json`);
    const run = spawnSync(
      process.execPath,
      [
        ...["--experimental-vm-modules", "--disable-warning=ExperimentalWarning"],
        join(repo, "node_modules/jest/bin/jest.js"),
        ...["--config", JSON.stringify(config), "--runInBand", "--ci", "--json", "--outputFile", results],
      ],
      { cwd: scratch, env, encoding: "utf8", timeout: 240_000 },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    assert.doesNotMatch(output, /AddressSanitizer|runtime error:/, output.slice(-4000));
    assert.equal(run.status, 0, output.slice(-4000));
    const summary = JSON.parse(readFileSync(results, "utf8")) as {
      numFailedTests: number;
      numPassedTests: number;
    };
    assert.equal(summary.numFailedTests, 0);
    assert.ok(summary.numPassedTests > 0, `the tests of ${file} ran`);
  }
});
