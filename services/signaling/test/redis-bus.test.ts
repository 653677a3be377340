import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, createMetricsRegistry } from "@switchboard/runtime";
import { RedisProcess } from "@switchboard/test-support";
import { Redis } from "ioredis";
import { StoreUnavailableError } from "../src/errors.js";
import { createSignalingMetrics } from "../src/metrics.js";
import { decodeBusBatch } from "../src/store/bus-codec.js";
import { BusPublisher } from "../src/store/bus-publisher.js";
import { BusSubscriber } from "../src/store/bus-subscriber.js";
import { redisEndpoint } from "../src/store/redis-endpoint.js";
import type { BusMessage } from "../src/store/store.js";

const CHANNEL = (id: string) => `sb:bus:${id}`;
const silent = createLogger({ name: "redis-bus-test", level: "silent" });
const TIMEOUT_MS = 1500;

function publisher(url: string, offset = { ms: 0 }, timeoutMs = TIMEOUT_MS): BusPublisher {
  return new BusPublisher({
    endpoint: redisEndpoint(url),
    logger: silent,
    metrics: createSignalingMetrics(createMetricsRegistry()),
    channel: CHANNEL,
    guardKey: `sb:busguard:test-${Math.random().toString(36).slice(2)}`,
    deadline: () => Date.now() + offset.ms + 1000,
    timeoutMs,
  });
}

const peer = (i: number): BusMessage => ({
  kind: "peer",
  to: "peer-b",
  roomId: "kxq-wmtb-pze",
  type: "signal",
  frame: { roomId: "kxq-wmtb-pze", from: "peer-a", data: `{"kind":"candidate","n":${i},"é":"ü"}` },
});

async function until(what: string, pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A subscriber (ioredis) that records the frames of every batch published on `channel`, as text. */
async function listen(
  url: string,
  channel: string,
): Promise<{ frames: string[]; batches: number; sub: Redis }> {
  const sub = new Redis(url, { lazyConnect: true });
  await sub.connect();
  const got = { frames: [] as string[], batches: 0, sub };
  sub.on("messageBuffer", (_ch: Buffer, raw: Buffer) => {
    got.batches++;
    for (const m of decodeBusBatch(raw)) {
      const frames = m.kind === "peers" ? m.frames : m.kind === "peer" ? [m.frame as Uint8Array] : [];
      for (const f of frames) got.frames.push(Buffer.from(f).toString());
    }
  });
  await sub.subscribe(channel);
  return got;
}

const frameOf = (i: number) =>
  `{"v":1,"type":"signal","roomId":"kxq-wmtb-pze","from":"peer-a","data":{"kind":"candidate","n":${i},"é":"ü"}}`;

describe("the bus's own Redis connections", () => {
  let redis: RedisProcess;
  let admin: Redis;
  beforeAll(async () => {
    redis = await RedisProcess.start();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.dispose();
  });

  describe("the bus publisher's own Redis connection", () => {
    it("publishes one turn's messages as one batch, in order, and tells every caller the subscriber count", async () => {
      const got = await listen(redis.url, CHANNEL("b"));
      const pub = publisher(redis.url);
      try {
        pub.start();
        await until("publisher ready", () => pub.ready);
        const outcomes = await Promise.all(Array.from({ length: 400 }, (_, i) => pub.publish("b", peer(i))));
        assert.deepEqual(new Set(outcomes), new Set([1]));
        assert.equal(await pub.publish("nobody", peer(0)), 0);
        await until("all frames", () => got.frames.length === 400);
        assert.deepEqual(
          got.frames,
          Array.from({ length: 400 }, (_, i) => frameOf(i)),
        );
        assert.equal(got.batches, 1);
      } finally {
        pub.close();
        got.sub.disconnect();
      }
    });

    it("authenticates with the URL's password or user, and publishes after SCRIPT FLUSH", async () => {
      await admin.acl("SETUSER", "bus", "on", ">bus-pw", "+@all", "~*", "&*");
      await admin.config("SET", "requirepass", "pw");
      const authed = new Redis(`redis://:pw@127.0.0.1:${redis.port}`);
      const got = await listen(`redis://:pw@127.0.0.1:${redis.port}`, CHANNEL("c"));
      const byPassword = publisher(`redis://:pw@127.0.0.1:${redis.port}`);
      const byUser = publisher(`redis://bus:bus-pw@127.0.0.1:${redis.port}`);
      const wrong = publisher(`redis://:nope@127.0.0.1:${redis.port}`);
      try {
        for (const p of [byPassword, byUser, wrong]) p.start();
        await until("publishers ready", () => byPassword.ready && byUser.ready);
        assert.equal(await byPassword.publish("c", peer(1)), 1);
        assert.equal(await byUser.publish("c", peer(2)), 1);
        assert.equal(wrong.ready, false);
        await assert.rejects(wrong.publish("c", peer(0)), StoreUnavailableError);
        // A user that may not MULTI: Redis runs the PUBLISH at once, and the publisher says it was published.
        await admin.acl("SETUSER", "nomulti", "on", ">nm-pw", "+@all", "-multi", "~*", "&*");
        const noMulti = publisher(`redis://nomulti:nm-pw@127.0.0.1:${redis.port}`);
        noMulti.start();
        await until("publisher without MULTI ready", () => noMulti.ready);
        assert.equal(await noMulti.publish("c", peer(5)), 1);
        noMulti.close();
        // Scripts flushed (SCRIPT FLUSH): the guard goes with each publish (EVAL), so nothing is refused.
        await authed.script("FLUSH");
        assert.equal(await byPassword.publish("c", peer(3)), 1);
        await until("frames", () => got.frames.length === 4);
        assert.deepEqual(got.frames, [frameOf(1), frameOf(2), frameOf(5), frameOf(3)]);
      } finally {
        for (const p of [byPassword, byUser, wrong]) p.close();
        got.sub.disconnect();
        await authed.config("SET", "requirepass", "");
        authed.disconnect();
        await admin.acl("DELUSER", "bus", "nomulti");
      }
    });

    it("gives up on publishes a frozen Redis does not answer, and Redis never publishes them after", async () => {
      const got = await listen(redis.url, CHANNEL("d"));
      const pub = publisher(redis.url);
      try {
        pub.start();
        await until("publisher ready", () => pub.ready);
        redis.pause();
        const started = Date.now();
        const frozen = pub.publish("d", peer(1));
        await assert.rejects(frozen, StoreUnavailableError);
        const waited = Date.now() - started;
        assert.ok(waited >= TIMEOUT_MS - 50 && waited < TIMEOUT_MS + 2000, `gave up after ${waited} ms`);
        // Let the deadline (1 s after the publish) pass for sure before Redis runs the backlog.
        await new Promise((r) => setTimeout(r, 200));
        redis.resume();
        assert.equal(await pub.publish("d", peer(2)), 1);
        await until("the later frame", () => got.frames.length >= 1);
        assert.deepEqual(got.frames, [frameOf(2)]);
      } finally {
        redis.resume();
        pub.close();
        got.sub.disconnect();
      }
    });

    it("publishes nothing when Redis reaches the transaction's EXEC after the deadline, though its guard ran in time", async () => {
      // A proxy on loopback passes everything to Redis at once, except a publish's bytes from its PUBLISH on,
      // which it holds past the deadline: SET, WATCH and the guard script run in time, EXEC too late.
      const HOLD_MS = 1250; // the deadline is 1 s after the publish; this publisher waits up to 5 s for EXEC
      let held = 0;
      const proxy: Server = createServer((client) => {
        const upstream = connect(redis.port, "127.0.0.1");
        upstream.on("data", (b) => client.write(b));
        client.on("data", (b: Buffer) => {
          const at = b.indexOf("*3\r\n$7\r\nPUBLISH");
          if (at < 0) {
            upstream.write(b);
            return;
          }
          held++;
          upstream.write(b.subarray(0, at));
          const rest = Buffer.from(b.subarray(at));
          setTimeout(() => upstream.write(rest), HOLD_MS);
        });
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.on("error", () => undefined);
        upstream.on("error", () => undefined);
      });
      await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
      const got = await listen(redis.url, CHANNEL("h"));
      const pub = publisher(`redis://127.0.0.1:${(proxy.address() as AddressInfo).port}`, { ms: 0 }, 5000);
      try {
        pub.start();
        await until("publisher ready", () => pub.ready);
        const started = Date.now();
        await assert.rejects(pub.publish("h", peer(1)), /too late/);
        assert.equal(held, 1);
        assert.ok(Date.now() - started >= HOLD_MS - 50, "answered before Redis ran it");
        // Published straight after: the publisher and Redis are fine, only the late one was left out.
        held = 0;
        const direct = publisher(redis.url);
        direct.start();
        await until("direct publisher ready", () => direct.ready);
        assert.equal(await direct.publish("h", peer(2)), 1);
        direct.close();
        await until("the later frame", () => got.frames.length >= 1);
        await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(got.frames, [frameOf(2)]);
      } finally {
        pub.close();
        got.sub.disconnect();
        await new Promise((r) => proxy.close(r));
      }
    });

    it("refuses publishes while Redis is gone and publishes again once it is back", async () => {
      const pub = publisher(redis.url);
      try {
        pub.start();
        await until("publisher ready", () => pub.ready);
        await redis.stop();
        await until("publisher down", () => !pub.ready);
        await assert.rejects(pub.publish("e", peer(1)), StoreUnavailableError);
        await redis.start();
        await until("publisher back", () => pub.ready);
        const got = await listen(redis.url, CHANNEL("e"));
        assert.equal(await pub.publish("e", peer(2)), 1);
        await until("frame", () => got.frames.length === 1);
        got.sub.disconnect();
      } finally {
        pub.close();
      }
    }, 30_000);
  });

  describe("the bus subscription's own Redis connection", () => {
    it("hands over each batch byte for byte, large ones spanning socket reads too, and resubscribes after a restart", async () => {
      const batches: Buffer[] = [];
      const sub = new BusSubscriber({
        endpoint: redisEndpoint(redis.url),
        logger: silent,
        channel: CHANNEL("s"),
        onBatch: (raw) => batches.push(Buffer.from(raw)),
      });
      const pub = publisher(redis.url);
      try {
        await sub.start();
        assert.equal(sub.subscribed, true);
        const numsub = async () => Number((await admin.pubsub("NUMSUB", CHANNEL("s")))[1]);
        assert.equal(await numsub(), 1);
        pub.start();
        await until("publisher ready", () => pub.ready);
        // 1 small batch, then one of ≈ 1.2 MB (many socket reads), then another small one.
        await pub.publish("s", peer(0));
        await Promise.all(Array.from({ length: 12_000 }, (_, i) => pub.publish("s", peer(i))));
        await pub.publish("s", peer(1));
        await until("three batches", () => batches.length === 3);
        const count = (b: Buffer) =>
          decodeBusBatch(b).reduce((n, m) => n + (m.kind === "peers" ? m.frames.length : 1), 0);
        assert.deepEqual(batches.map(count), [1, 12_000, 1]);
        const big = decodeBusBatch(batches[1])[0];
        assert.ok(big?.kind === "peers");
        assert.equal(Buffer.from(big.frames[11_999]).toString(), frameOf(11_999));
        // Redis restarted (empty): subscribed again by itself.
        await redis.stop();
        await until("unsubscribed", () => !sub.subscribed);
        await redis.start();
        await until("subscribed again", () => sub.subscribed);
        await until("publisher back", () => pub.ready);
        assert.equal(await pub.publish("s", peer(2)), 1);
        await until("a fourth batch", () => batches.length === 4);
      } finally {
        sub.close();
        pub.close();
      }
    }, 30_000);

    it("reads large batches over a Unix socket too (its read buffer reused from read to read)", async () => {
      const dir = mkdtempSync(join(tmpdir(), "sb-redis-unix-"));
      const path = join(dir, "redis.sock");
      const server = spawn(
        "redis-server",
        ["--port", "0", "--unixsocket", path, "--save", "", "--appendonly", "no", "--dir", dir],
        { stdio: "ignore" },
      );
      const batches: Buffer[] = [];
      const sub = new BusSubscriber({
        endpoint: redisEndpoint(path),
        logger: silent,
        channel: CHANNEL("u"),
        onBatch: (raw) => batches.push(Buffer.from(raw)),
      });
      const pub = publisher(path);
      try {
        await until("the socket", () => existsSync(path));
        await sub.start();
        await until("subscribed", () => sub.subscribed);
        pub.start();
        await until("publisher ready", () => pub.ready);
        for (let round = 0; round < 3; round++)
          await Promise.all(Array.from({ length: 5_000 }, (_, i) => pub.publish("u", peer(i))));
        await until("three batches", () => batches.length === 3);
        for (const b of batches) {
          const frames = decodeBusBatch(b).flatMap((m) => (m.kind === "peers" ? m.frames : []));
          assert.equal(frames.length, 5_000);
          assert.equal(Buffer.from(frames[4_999]).toString(), frameOf(4_999));
          assert.equal(Buffer.from(frames[0]).toString(), frameOf(0));
        }
      } finally {
        sub.close();
        pub.close();
        server.kill();
        await new Promise((r) => server.once("exit", r));
        rmSync(dir, { recursive: true, force: true });
      }
    }, 30_000);

    it("starts even when Redis is not there yet, and subscribes once it is", async () => {
      await redis.stop();
      const sub = new BusSubscriber({
        endpoint: redisEndpoint(redis.url),
        logger: silent,
        channel: CHANNEL("t"),
        onBatch: () => undefined,
      });
      try {
        await sub.start();
        assert.equal(sub.subscribed, false);
        await redis.start();
        await until("subscribed", () => sub.subscribed);
      } finally {
        sub.close();
      }
    }, 30_000);
  });
});
