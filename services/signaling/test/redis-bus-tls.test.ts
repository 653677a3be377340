import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { promisify } from "node:util";
import { freePort } from "@switchboard/test-support";
import { Redis } from "ioredis";
import { decodeBusBatch } from "../src/store/bus-codec.js";

const run = promisify(execFile);
const ROOT = new URL("../../..", import.meta.url).pathname;

/** A CA and a server certificate for localhost/127.0.0.1, made with openssl in `dir`. */
function makeCertificates(dir: string): void {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=sb-test-ca",
  );
  ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "srv.key",
    "-out",
    "srv.csr",
    "-subj",
    "/CN=localhost",
  );
  writeFileSync(join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  ssl(
    "x509",
    "-req",
    "-in",
    "srv.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "srv.pem",
    "-days",
    "1",
    "-extfile",
    "san.ext",
  );
}

async function untilTls(port: number, ca: Buffer, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error("redis-server (TLS) did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The bus connections use the system's CAs for `rediss://` (as ioredis does with a URL): the publisher runs in a
// child process that trusts the test CA through NODE_EXTRA_CA_CERTS.
const PUBLISH = `
import { createLogger, createMetricsRegistry } from "@switchboard/runtime";
import { createSignalingMetrics } from "./services/signaling/src/metrics.ts";
import { BusPublisher } from "./services/signaling/src/store/bus-publisher.ts";
import { redisEndpoint } from "./services/signaling/src/store/redis-endpoint.ts";
const pub = new BusPublisher({
  endpoint: redisEndpoint(process.env.URL),
  logger: createLogger({ name: "tls", level: "silent" }),
  metrics: createSignalingMetrics(createMetricsRegistry()),
  channel: (id) => "sb:bus:" + id,
  guardKey: "sb:busguard:tls-test",
  deadline: () => Date.now() + 1000,
  timeoutMs: 2000,
});
pub.start();
const end = Date.now() + Number(process.env.WAIT_MS);
while (!pub.ready && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
const frame = { roomId: "kxq-wmtb-pze", from: "peer-a", data: '{"kind":"ice-restart"}' };
const n = await pub.publish("tls", { kind: "peer", to: "peer-b", roomId: "kxq-wmtb-pze", type: "signal", frame }).catch((e) => e.message);
console.log(JSON.stringify({ ready: pub.ready, n }));
pub.close();
`;

describe("the bus connections over TLS (rediss://)", () => {
  let dir: string;
  let port: number;
  let server: ChildProcess;
  let ca: Buffer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sb-redis-tls-"));
    makeCertificates(dir);
    ca = readFileSync(join(dir, "ca.pem"));
    port = await freePort();
    server = spawn(
      "redis-server",
      [
        "--port",
        "0",
        "--tls-port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--tls-cert-file",
        "srv.pem",
        "--tls-key-file",
        "srv.key",
        "--tls-ca-cert-file",
        "ca.pem",
        "--tls-auth-clients",
        "no",
        "--requirepass",
        "tls-pw",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
      ],
      { cwd: dir, stdio: "ignore" },
    );
    await untilTls(port, ca);
  }, 30_000);
  afterAll(async () => {
    const exited = once(server, "exit");
    server.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const publishFromChild = async (url: string, extraCa: string | undefined, waitMs: number) => {
    const { stdout } = await run(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", PUBLISH],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          URL: url,
          WAIT_MS: String(waitMs),
          ...(extraCa ? { NODE_EXTRA_CA_CERTS: extraCa } : {}),
        },
      },
    );
    return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { ready: boolean; n: number | string };
  };

  it("publishes over TLS with a password, verifying the server's certificate", async () => {
    const sub = new Redis(`rediss://:tls-pw@localhost:${port}`, { tls: { ca } });
    const frames: string[] = [];
    sub.on("messageBuffer", (_ch: Buffer, raw: Buffer) => {
      for (const m of decodeBusBatch(raw))
        if (m.kind === "peer") frames.push(Buffer.from(m.frame as Uint8Array).toString());
    });
    try {
      await sub.subscribe("sb:bus:tls");
      const ok = await publishFromChild(`rediss://:tls-pw@localhost:${port}`, join(dir, "ca.pem"), 10_000);
      assert.deepEqual(ok, { ready: true, n: 1 });
      assert.deepEqual(frames, [
        '{"v":1,"type":"signal","roomId":"kxq-wmtb-pze","from":"peer-a","data":{"kind":"ice-restart"}}',
      ]);
      // Without the CA the certificate is refused: never connected, so nothing is published.
      const refused = await publishFromChild(`rediss://:tls-pw@localhost:${port}`, undefined, 1500);
      assert.equal(refused.ready, false);
      assert.equal(typeof refused.n, "string");
    } finally {
      sub.disconnect();
    }
  }, 60_000);
});
