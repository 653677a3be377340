import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { once } from "node:events";
import { RedisProcess, sharedRedis } from "./redis.js";

/** Sends PING over a raw socket; the reply line. */
async function ping(port: number): Promise<string> {
  const sock = connect(port, "127.0.0.1");
  await once(sock, "connect");
  sock.write("PING\r\n");
  const [data] = (await once(sock, "data")) as [Buffer];
  sock.destroy();
  return data.toString().trim();
}

describe("RedisProcess", () => {
  it("starts ready, stops (outage), restarts on the same port, disposes", async () => {
    const r = await RedisProcess.start();
    try {
      assert.equal(r.url, `redis://127.0.0.1:${r.port}`);
      assert.equal(await ping(r.port), "+PONG");
      await r.stop();
      await assert.rejects(ping(r.port), { code: "ECONNREFUSED" });
      await r.start();
      assert.equal(await ping(r.port), "+PONG");
    } finally {
      await r.dispose();
    }
  });
});

describe("sharedRedis", () => {
  it("uses REDIS_URL when set, else starts its own", async () => {
    const shared = await sharedRedis();
    try {
      if (process.env.REDIS_URL) {
        assert.equal(shared.backing, "env");
        assert.equal(shared.url, process.env.REDIS_URL);
      } else if (shared.backing === "local") assert.match(shared.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
      else assert.match(shared.url, /^redis:\/\/[^:]+:\d+$/);
      const port = Number(new URL(shared.url).port);
      if (new URL(shared.url).hostname === "127.0.0.1") assert.equal(await ping(port), "+PONG");
    } finally {
      await shared.dispose();
    }
  });
});
