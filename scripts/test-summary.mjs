#!/usr/bin/env node
// Sums the JSON results of every jest run of `npm test` (scripts/run-tests.mjs writes them to TEST_RESULTS_DIR)
// into one closing line: "N passed, N failed, N skipped". A run that wrote no result counts as a failure.
//   node scripts/test-summary.mjs <dir> [expected run names…]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, ...expected] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const seen = new Set();
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  const r = JSON.parse(readFileSync(join(dir, name), "utf8"));
  seen.add(name.replace(/\.json$/, ""));
  passed += r.numPassedTests;
  // A file that failed to load (syntax error, import error) has no tests: count it as one failure.
  failed +=
    r.numFailedTests +
    r.testResults.filter((t) => t.status === "failed" && t.assertionResults.length === 0).length;
  skipped += r.numPendingTests + r.numTodoTests;
}
for (const run of expected) {
  if (!seen.has(run)) {
    console.error(`the ${run} run wrote no result`);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
