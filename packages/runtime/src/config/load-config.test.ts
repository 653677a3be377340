import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { bool, int, list, optionalStr, port, str } from "./fields.js";
import { describeConfig, loadConfig, redactConfig } from "./load-config.js";

const spec = {
  host: str({ env: "X_HOST", doc: "bind address", default: "0.0.0.0" }),
  port: port({ env: "X_PORT", doc: "port", default: 3478 }),
  workers: int({ env: "X_WORKERS", doc: "workers", default: 1, min: 1, max: 64 }),
  tls: bool({ env: "X_TLS", doc: "tls", default: false }),
  users: list({ env: "X_USERS", doc: "users" }),
  secret: optionalStr({ env: "X_SECRET", doc: "secret", secret: true }),
};

describe("loadConfig", () => {
  it("applies defaults < file < environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, "c.json");
    writeFileSync(file, JSON.stringify({ port: 4000, workers: 3, users: ["a", "b"] }));
    const cfg = loadConfig(spec, { env: { X_CONFIG: file, X_WORKERS: "5" }, fileEnv: "X_CONFIG" });
    assert.deepEqual(
      { ...cfg },
      { host: "0.0.0.0", port: 4000, workers: 5, tls: false, users: ["a", "b"], secret: undefined },
    );
    assert.ok(Object.isFrozen(cfg));
  });

  it("lists every problem at once", () => {
    const err = (() => {
      try {
        loadConfig(spec, { env: { X_PORT: "70000", X_WORKERS: "zero", X_TLS: "maybe" } });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 3);
    assert.match(err.problems.join("\n"), /X_PORT: expected an integer from 0 to 65535, got "70000"/);
    assert.match(err.problems.join("\n"), /X_WORKERS/);
    assert.match(err.problems.join("\n"), /X_TLS: expected true or false/);
  });

  it("reports unknown keys and unreadable files", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, "c.json");
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    assert.throws(() => loadConfig(spec, { env: {}, file }), /unknown setting "prot"/);
    assert.throws(() => loadConfig(spec, { env: {}, file: join(dir, "missing.json") }), ConfigError);
  });

  it("runs cross-field checks and redacts secrets", () => {
    assert.throws(
      () =>
        loadConfig(spec, {
          env: { X_TLS: "1" },
          check: (c) => (c.tls && !c.secret ? ["X_TLS needs X_SECRET"] : []),
        }),
      /X_TLS needs X_SECRET/,
    );
    const cfg = loadConfig(spec, { env: { X_SECRET: "hunter2" } });
    assert.equal(redactConfig(spec, cfg).secret, "[redacted]");
    assert.doesNotMatch(describeConfig(spec), /hunter2/);
  });
});
