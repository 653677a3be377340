import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "@jest/globals";
import { createLogger, wantsPrettyLogs } from "./logger.js";

test("LOG_FORMAT decides; unset, a terminal gets pretty lines and anything else JSON", () => {
  assert.equal(wantsPrettyLogs({}, true), true);
  assert.equal(wantsPrettyLogs({}, false), false);
  assert.equal(wantsPrettyLogs({ LOG_FORMAT: "auto" }, true), true);
  assert.equal(wantsPrettyLogs({ LOG_FORMAT: "json" }, true), false);
  assert.equal(wantsPrettyLogs({ LOG_FORMAT: "Pretty" }, false), true);
  assert.throws(
    () => wantsPrettyLogs({ LOG_FORMAT: "xml" }, false),
    /LOG_FORMAT: expected "pretty", "json" or "auto"/,
  );
});

test("a given destination gets JSON lines with secrets redacted", async () => {
  const sink = new PassThrough();
  let text = "";
  sink.on("data", (d: Buffer) => (text += d.toString()));
  const log = createLogger({ name: "t", level: "info", destination: sink });
  log.info({ secret: "hunter2", port: 1 }, "listening");
  await new Promise((r) => setImmediate(r));
  const line = JSON.parse(text.trim()) as Record<string, unknown>;
  assert.equal(line.msg, "listening");
  assert.equal(line.secret, "[redacted]");
  assert.equal(line.port, 1);
});
