/**
 * Interop: two headless Chromium pages with iceTransportPolicy "relay" connect a data channel through our TURN
 * server and move a few megabytes; getStats() shows relay candidates on the selected pair of both ends. Browser,
 * server and test run in a network namespace with only `lo` up, created and deleted here (needs root).
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resultLine, runInLoopbackNamespace, tsxCommand } from "@switchboard/test-support";

const RUNNER = fileURLToPath(new URL("./browser-relay-run.ts", import.meta.url));
const BYTES = 4 * 1024 * 1024;

describe("Chromium data channel through our TURN relay", () => {
  for (const transport of ["udp", "tcp"] as const)
    it(`moves 4 MiB over relay candidates on both ends (TURN over ${transport})`, async () => {
      const { code, output: out } = await runInLoopbackNamespace({
        prefix: "sbturn",
        command: tsxCommand(RUNNER),
        env: { ...process.env, RELAY_BYTES: String(BYTES), RELAY_TRANSPORT: transport },
        killAfterMs: 100_000,
      });
      const line = resultLine(out);
      assert.ok(line, `runner exited ${code}: ${out.slice(-3000)}`);
      const result = JSON.parse(line) as {
        received: number;
        seconds: number;
        relayedBytes: number;
        a: { localType: string; remoteType: string; protocol: string };
        b: { localType: string; remoteType: string };
      };
      assert.equal(result.received, BYTES);
      for (const side of [result.a, result.b]) {
        assert.equal(side.localType, "relay");
        assert.equal(side.remoteType, "relay");
      }
      assert.ok(result.relayedBytes >= BYTES, `server relayed only ${result.relayedBytes} bytes`);
      assert.equal(result.a.protocol, transport);
      process.stdout.write(
        `# chromium relay over ${transport}: ${(BYTES / 1e6 / result.seconds).toFixed(1)} MB/s\n`,
      );
    }, 120_000);
});
