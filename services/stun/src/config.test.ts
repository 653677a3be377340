import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@switchboard/runtime";
import { loadStunConfig, workerCount } from "./config.js";

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadStunConfig({ env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe("STUN configuration", () => {
  it("has the documented defaults", () => {
    const c = loadStunConfig({ env: {} });
    assert.equal(c.host, "");
    assert.equal(c.port, 3478);
    assert.equal(c.adminHost, "127.0.0.1");
    assert.equal(c.adminPort, 9478);
    assert.equal(c.software, "Switchboard STUN");
    assert.equal(c.altHost, undefined);
    assert.ok(workerCount(c) >= 1);
    assert.equal(workerCount(loadStunConfig({ env: { STUN_WORKERS: "3" } })), 3);
  });

  it("turns SOFTWARE off with an empty value", () => {
    assert.equal(loadStunConfig({ env: { STUN_SOFTWARE: "" } }).software, "");
    assert.equal(loadStunConfig({ env: {} }).software, "Switchboard STUN");
    const dir = mkdtempSync(join(tmpdir(), "stun-cfg-"));
    writeFileSync(join(dir, "c.json"), JSON.stringify({ software: "", port: 4000 }));
    const fromFile = loadStunConfig({ env: {}, file: join(dir, "c.json") });
    assert.equal(fromFile.software, "");
    assert.equal(fromFile.port, 4000);
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({ STUN_PORT: "99999", STUN_WORKERS: "-1", STUN_HOST: "example.com" });
    assert.equal(problems.length, 3);
  });

  it("needs both RFC 5780 settings, distinct and specific", () => {
    assert.match(problemsOf({ STUN_ALT_HOST: "127.0.0.2" }).join("\n"), /set both/);
    const p = problemsOf({ STUN_ALT_HOST: "127.0.0.1", STUN_ALT_PORT: "3478", STUN_HOST: "127.0.0.1" }).join(
      "\n",
    );
    assert.match(p, /STUN_ALT_HOST: must differ/);
    assert.match(p, /STUN_ALT_PORT: must differ/);
    assert.match(
      problemsOf({ STUN_ALT_HOST: "127.0.0.2", STUN_ALT_PORT: "3479" }).join("\n"),
      /STUN_HOST: must be a specific/,
    );
    assert.match(
      problemsOf({ STUN_HOST: "127.0.0.1", STUN_ALT_HOST: "::1", STUN_ALT_PORT: "3479" }).join("\n"),
      /same address family/,
    );
    const ok = loadStunConfig({
      env: { STUN_HOST: "127.0.0.1", STUN_ALT_HOST: "127.0.0.2", STUN_ALT_PORT: "3479" },
    });
    assert.equal(ok.altPort, 3479);
  });
});
