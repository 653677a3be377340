import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { authCommand, redisEndpoint } from "./redis-endpoint.js";

describe("REDIS_URL as the bus connections read it", () => {
  it("reads host, port, credentials and TLS as ioredis does", () => {
    assert.deepEqual(redisEndpoint("redis://127.0.0.1:6380"), { host: "127.0.0.1", port: 6380, tls: false });
    assert.deepEqual(redisEndpoint("redis://redis/2"), { host: "redis", port: 6379, tls: false });
    assert.deepEqual(redisEndpoint("rediss://:p%40ss@cache.example:6390/1"), {
      host: "cache.example",
      port: 6390,
      tls: true,
      password: "p@ss",
    });
    assert.deepEqual(redisEndpoint("redis://bus:secret@[::1]:7000"), {
      host: "::1",
      port: 7000,
      tls: false,
      username: "bus",
      password: "secret",
    });
    assert.deepEqual(redisEndpoint("/run/redis.sock?db=1"), {
      host: "",
      port: 0,
      path: "/run/redis.sock",
      tls: false,
    });
  });

  it("authenticates with the password, and the user when there is one", () => {
    assert.equal(authCommand(redisEndpoint("redis://h")), undefined);
    assert.deepEqual(authCommand(redisEndpoint("redis://:pw@h")), ["AUTH", "pw"]);
    assert.deepEqual(authCommand(redisEndpoint("redis://u:pw@h")), ["AUTH", "u", "pw"]);
  });

  it("refuses what is not a Redis URL", () => {
    for (const bad of ["127.0.0.1:6379", "http://h:6379", "redis//h"])
      assert.throws(() => redisEndpoint(bad), /REDIS_URL/, bad);
  });
});
