import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { Counter } from "prom-client";
import { createAdminServer } from "./admin-server.js";
import { Health } from "./health.js";
import { createLogger } from "./logger.js";
import { createMetricsRegistry } from "./metrics.js";

const quiet = createLogger({
  name: "t",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

describe("admin server", () => {
  it("serves /health (503 until every critical part is up), /stats and /metrics", async () => {
    const health = new Health();
    const registry = createMetricsRegistry();
    const requests = new Counter({
      name: "x_requests_total",
      help: "r",
      labelNames: ["result"],
      registers: [registry],
    });
    const app = createAdminServer({
      health,
      registry,
      logger: quiet,
      service: "x",
      stats: () => ({ rooms: 2 }),
    });
    assert.equal((await app.inject("/health")).statusCode, 503);
    health.set("udp", false);
    assert.equal((await app.inject("/health")).statusCode, 503);
    health.set("udp", true);
    health.set("redis", false, { critical: false, detail: "connecting" });
    const res = await app.inject("/health");
    assert.equal(res.statusCode, 200);
    assert.equal(res.json<{ status: string }>().status, "degraded");
    requests.inc({ result: "ok" }, 3);
    const stats = (await app.inject("/stats")).json<Record<string, unknown>>();
    assert.deepEqual(stats.x_requests_total, { "result=ok": 3 });
    assert.equal(stats.rooms, 2);
    assert.equal(stats.service, "x");
    const metrics = await app.inject("/metrics");
    assert.match(metrics.body, /x_requests_total\{result="ok"\} 3/);
    assert.match(metrics.body, /process_cpu_user_seconds_total/);
    await app.close();
  });
});

describe("logger", () => {
  it("redacts secrets wherever they appear", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) });
    const log = createLogger({ name: "t", level: "info", destination: sink });
    log.info({ password: "p1", user: { secret: "s1" }, token: "t1" }, "hello");
    await new Promise((r) => setImmediate(r));
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? "", /p1|s1|t1/);
    assert.match(lines[0] ?? "", /\[redacted\]/);
  });
});
