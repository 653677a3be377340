/** `switchboard nat` run in-process against our STUN service on loopback: output, --json, exit codes. */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { PassThrough } from "node:stream";
import { randomPortPair, startStunService, type StunService } from "../../client/test/nat/stun-service.js";
import { main } from "../src/main.js";

async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await main(["nat", ...args], {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env,
    signal: new AbortController().signal,
  });
  return { code, stdout: out, stderr: err };
}

describe("switchboard nat", () => {
  let stun: StunService;
  let silent: Socket;
  let silentPort = 0;
  beforeAll(async () => {
    for (let i = 0; ; i++) {
      const port = randomPortPair();
      try {
        stun = await startStunService({
          STUN_HOST: "127.0.0.1",
          STUN_PORT: String(port),
          STUN_ALT_HOST: "127.0.0.2",
          STUN_ALT_PORT: String(port + 1),
        });
        break;
      } catch (err) {
        if (i >= 4) throw err;
      }
    }
    silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    silentPort = silent.address().port;
  });
  afterAll(async () => {
    silent.close();
    await stun.stop();
  });

  it("--json reports the behaviour, the strategy and the expectation per peer type (exit 0)", async () => {
    const r = await runCli([
      "--stun",
      `127.0.0.1:${stun.port}`,
      "--peer",
      "symmetric",
      "--json",
      "--rto",
      "500",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & {
      strategy: { strategy: string };
      peer: { type: string; strategy: string; directExpected: boolean };
      peers: Array<{ peer: string; directExpected: boolean }>;
    };
    assert.equal(out["natType"], "open");
    assert.equal(out["mapping"], "endpoint-independent");
    assert.equal(out["filtering"], "endpoint-independent");
    assert.equal(out["rfc5780"], true);
    assert.equal(out.strategy.strategy, "direct");
    assert.deepEqual(out.peer, { ...out.peer, type: "symmetric", strategy: "direct", directExpected: true });
    assert.equal(out.peers.length, 6);
    assert.equal(out.peers.find((p) => p.peer === "udp-blocked")?.directExpected, false);
  });

  it("takes the servers from STUN_SERVERS and prints a human report", async () => {
    const r = await runCli(["--rto", "500"], { STUN_SERVERS: `stun:127.0.0.1:${stun.port}` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAT type\s+open \(no NAT\)$/m);
    assert.match(r.stdout, /^server\s+127\.0\.0\.1:\d+ \(RFC 5780\)$/m);
    assert.match(r.stdout, /^strategy\s+direct — /m);
    assert.match(r.stdout, /^ {2}symmetric\s+direct\s+\(direct\)$/m);
    assert.doesNotMatch(r.stdout, /could not tell/);
  });

  it("UDP blocked is a result: exit 0, natType udp-blocked", async () => {
    const started = Date.now();
    const r = await runCli(["--json", "--stun", `127.0.0.1:${silentPort}`, "--rto", "50"]);
    // --rto 50: requests at 0, 50, 150, 350 ms, given up at 550 ms (the default schedule takes 2750 ms)
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      udpBlocked: boolean;
      natType: string;
      strategy: { strategy: string };
    };
    assert.equal(out.udpBlocked, true);
    assert.equal(out.natType, "udp-blocked");
    assert.equal(out.strategy.strategy, "turn");
  });

  it("bad configuration exits 2 with a message", async () => {
    const bad = [
      ["--stun", "127.0.0.1:0"],
      ["--bogus"],
      ["--peer", "carrier-grade"],
      ["extra"],
      ["--rto", "5"],
      ["--rto", "1e3"],
    ];
    for (const args of bad) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, /^switchboard nat: /);
      assert.equal(r.stdout, "");
    }
    const empty = await runCli([], { STUN_SERVERS: "stun:bad host:x" });
    assert.equal(empty.code, 2);
  });

  it("--help exits 0", async () => {
    const r = await runCli(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: switchboard nat/);
  });
});
