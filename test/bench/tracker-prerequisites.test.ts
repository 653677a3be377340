import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describeMissing, missingPrerequisites, onPath } from "../../bench/tracker/prerequisites.js";

describe("tracker benchmark prerequisites", () => {
  it("finds an executable on PATH, and not a file that cannot be executed", () => {
    const dir = mkdtempSync(join(tmpdir(), "trackperf-path-"));
    try {
      writeFileSync(join(dir, "tool"), "#!/bin/sh\n");
      chmodSync(join(dir, "tool"), 0o755);
      writeFileSync(join(dir, "plain"), "");
      chmodSync(join(dir, "plain"), 0o644);
      const path = ["", join(dir, "absent"), dir].join(delimiter);
      assert.equal(onPath("tool", path), join(dir, "tool"));
      assert.equal(onPath("plain", path), undefined);
      assert.equal(onPath("tool", join(dir, "absent")), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names what is missing and how to get it", () => {
    const saved = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), "trackperf-empty-"));
    try {
      const missing = missingPrerequisites(["switchboard", "opentracker"]);
      assert.deepEqual(
        missing.map((m) => m.target),
        ["opentracker"],
      );
      const text = describeMissing(missing);
      assert.match(text, /opentracker/);
      assert.match(text, /apt-get install opentracker/);
      assert.match(text, /--skip-missing/);
    } finally {
      rmSync(process.env.PATH, { recursive: true, force: true });
      process.env.PATH = saved;
    }
    assert.deepEqual(missingPrerequisites(["switchboard"]), []);
  });
});
