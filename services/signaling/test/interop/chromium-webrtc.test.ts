/**
 * Interop: two headless Chromium pages (a real WebRTC stack) join one meeting and negotiate a data channel
 * through the signaling service: an ECDSA-signed offer (verified by the answerer), the answer and trickled
 * candidates, then a message each way. Browser, server and test run in a network namespace with only `lo` up,
 * created and deleted here (needs root), so only loopback candidates exist.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const RUNNER = fileURLToPath(new URL("./browser-signaling-run.ts", import.meta.url));

describe("Chromium peers negotiate a data channel through the signaling service", () => {
  it(
    "relays a signed offer, the answer and trickled candidates; the channel carries data",
    { timeout: 120_000 },
    async () => {
      const ns = `sbsig${process.pid}`;
      execFileSync("ip", ["netns", "add", ns]);
      try {
        execFileSync("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
        const child = spawn(
          "ip",
          ["netns", "exec", ns, process.execPath, "--conditions=source", "--import", "tsx", RUNNER],
          {
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
        const code = await new Promise<number | null>((r) => child.on("close", r));
        clearTimeout(timer);
        const line = /^RESULT (.*)$/m.exec(out);
        assert.ok(line?.[1], `runner exited ${code}: ${out.slice(-3000)}`);
        const result = JSON.parse(line[1]) as {
          a: string;
          bPeers: string[];
          caller: { got: string[] };
          callee: { verified: boolean; got: string[]; errors: unknown[] };
        };
        assert.deepEqual(result.bPeers, [result.a]);
        assert.deepEqual(result.caller.got, ["pong:ping"]);
        assert.equal(result.callee.verified, true, "the answerer verified the offer's ECDSA signature");
        assert.deepEqual(result.callee.got, ["ping"]);
        assert.deepEqual(result.callee.errors, []);
      } finally {
        execFileSync("ip", ["netns", "delete", ns]);
      }
    },
  );
});
