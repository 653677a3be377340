/** The service process: exit 2 on bad configuration, admin endpoints, SIGHUP TLS reload keeping allocations, SIGTERM. */
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { fileURLToPath } from "node:url";
import { TestTurnClient, errorCode, freePort } from "@switchboard/test-support";
import { makeSelfSignedCert } from "./support/cert.js";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

function run(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--conditions=source", "--import", "tsx", MAIN], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function makeCert(dir: string, name: string, cn: string): void {
  makeSelfSignedCert(join(dir, `${name}-key.pem`), join(dir, `${name}-cert.pem`), cn);
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${String(pattern)}: ${out}`)),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
  });
}

function peerCertCn(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      const cn = s.getPeerCertificate().subject.CN;
      s.destroy();
      resolve(Array.isArray(cn) ? cn.join(",") : String(cn));
    });
    s.on("error", reject);
  });
}

describe("turn main process", () => {
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), "turn-main-"));
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists every configuration problem and exits 2 before listening", async () => {
    const child = run({
      TURN_HOST: "0.0.0.0",
      TURN_MIN_PORT: "60000",
      TURN_MAX_PORT: "50000",
      TURN_PORT: "x",
    });
    children.push(child);
    const out = await waitForOutput(child, /TURN_USERS or TURN_SECRET|TURN_PORT/);
    const code = await new Promise<number | null>((r) => child.on("close", r));
    assert.equal(code, 2);
    assert.match(out, /TURN_PORT/);
  });

  it("serves admin endpoints, reloads TLS on SIGHUP without dropping allocations, stops on SIGTERM", async () => {
    makeCert(dir, "a", "first.example");
    makeCert(dir, "b", "second.example");
    const [port, tlsPort, adminPort] = [await freePort(), await freePort(), await freePort()];
    const child = run({
      TURN_HOST: "127.0.0.1",
      TURN_PORT: String(port),
      TURN_TLS_PORT: String(tlsPort),
      TURN_TLS_CERT: join(dir, "a-cert.pem"),
      TURN_TLS_KEY: join(dir, "a-key.pem"),
      TURN_USERS: "alice:alice-pw",
      TURN_ADMIN_PORT: String(adminPort),
    });
    children.push(child);
    const startup = await waitForOutput(child, /turn server listening/);
    assert.match(startup, /"msg":"configuration"/, "the effective configuration is logged at start-up");
    assert.doesNotMatch(startup, /alice-pw/, "secrets never reach the log");
    const admin = `http://127.0.0.1:${adminPort}`;
    assert.equal((await fetch(`${admin}/health`)).status, 200);
    const c = new TestTurnClient({
      transport: "udp",
      server: { address: "127.0.0.1", port },
      username: "alice",
      password: "alice-pw",
    });
    await c.open();
    try {
      assert.equal(errorCode(await c.allocate()), undefined);
      assert.equal(await peerCertCn(tlsPort), "first.example");
      renameSync(join(dir, "b-cert.pem"), join(dir, "a-cert.pem"));
      renameSync(join(dir, "b-key.pem"), join(dir, "a-key.pem"));
      const reloaded = waitForOutput(child, /TLS certificate reloaded/);
      child.kill("SIGHUP");
      await reloaded;
      assert.equal(await peerCertCn(tlsPort), "second.example");
      const stats = (await (await fetch(`${admin}/stats`)).json()) as Record<string, unknown>;
      assert.equal(stats.turn_allocations_active, 1);
      assert.equal(errorCode(await c.refresh(600)), undefined);
      const metrics = await (await fetch(`${admin}/metrics`)).text();
      assert.match(metrics, /turn_requests_total\{method="Allocate",result="success"\} 1/);
    } finally {
      c.close();
    }
    child.kill("SIGTERM");
    assert.equal(await new Promise<number | null>((r) => child.on("close", r)), 0);
  });
});
