/**
 * Interop with coturn's client tools (Debian package coturn): turnutils_stunclient (Binding over UDP; it has no
 * TCP mode, so TCP is covered by our own client in test/tcp.test.ts) and turnutils_natdiscovery (RFC 5780).
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { spawnService } from "../helpers/process.js";
import { startDualAddressServer, startTestServer, type TestServer } from "../helpers/server.js";

function run(tool: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${tool} ${args.join(" ")} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

const successes = async (t: TestServer): Promise<number> =>
  Number(
    /stun_requests_total\{transport="udp",result="success"\} (\d+)/.exec(await t.registry.metrics())?.[1] ??
      0,
  );

describe("turnutils_stunclient", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it("gets its reflexive address over UDP", async () => {
    const port = t.addresses.udp.PP?.port ?? 0;
    const out = await run("turnutils_stunclient", ["-p", String(port), "127.0.0.1"]);
    assert.match(out, /IPv4\. UDP reflexive addr: 127\.0\.0\.1:\d+/);
    assert.ok((await successes(t)) >= 1);
  });

  it("gets its reflexive address from a server running cluster workers", async () => {
    const p = spawnService({
      STUN_HOST: "127.0.0.1",
      STUN_PORT: "0",
      STUN_ADMIN_PORT: "0",
      STUN_WORKERS: "2",
    });
    try {
      const line = (await p.line("stun serving")) as { addresses?: { udp?: { PP?: { port?: number } } } };
      const out = await run("turnutils_stunclient", [
        "-p",
        String(line.addresses?.udp?.PP?.port),
        "127.0.0.1",
      ]);
      assert.match(out, /UDP reflexive addr: 127\.0\.0\.1:\d+/);
      p.child.kill("SIGTERM");
      assert.equal(await p.exited(), 0);
    } finally {
      p.kill();
    }
  });
});

describe("RFC 5780 with 127.0.0.1 and 127.0.0.2", () => {
  let t: TestServer;
  let port: number;
  beforeAll(async () => {
    t = await startDualAddressServer();
    port = t.addresses.udp.PP?.port ?? 0;
  });
  afterAll(() => t.close());

  it("turnutils_stunclient -f sees RESPONSE-ORIGIN and OTHER-ADDRESS, and a changed origin", async () => {
    const out = await run("turnutils_stunclient", ["-f", "-p", String(port), "127.0.0.1"]);
    assert.match(out, new RegExp(`Response origin: : 127\\.0\\.0\\.1:${port}\\b`));
    assert.match(out, new RegExp(`Other addr: : 127\\.0\\.0\\.2:${port + 1}\\b`));
    assert.match(out, new RegExp(`Response origin: : 127\\.0\\.0\\.2:${port + 1}\\b`));
    assert.match(out, /UDP reflexive addr: 127\.0\.0\.1:\d+/);
  });

  it("turnutils_natdiscovery -m -f finds endpoint-independent mapping and filtering", async () => {
    const out = await run("turnutils_natdiscovery", ["-m", "-f", "-p", String(port), "127.0.0.1"]);
    assert.match(out, /NAT with Endpoint Independent Mapping!/);
    assert.match(out, /NAT with Endpoint Independent Filtering!/);
    // The filtering test's change-IP-and-port response came from the alternate address and port.
    assert.match(out, new RegExp(`Response origin: : 127\\.0\\.0\\.2:${port + 1}\\b`));
    assert.match(out, new RegExp(`Response origin: : 127\\.0\\.0\\.2:${port}\\b`));
    assert.doesNotMatch(out, /error|timeout/i);
  });

  it("turnutils_natdiscovery -P (PADDING) gets the same answers", async () => {
    const out = await run("turnutils_natdiscovery", ["-m", "-f", "-P", "-p", String(port), "127.0.0.1"]);
    assert.match(out, /NAT with Endpoint Independent Mapping!/);
    assert.match(out, /NAT with Endpoint Independent Filtering!/);
  });
});
