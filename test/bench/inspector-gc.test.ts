import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { freePort } from "@switchboard/test-support";
import { collectGarbage, INSPECT_FLAG, inspectorUrl } from "../../bench/tracker/inspector-gc.js";

/**
 * A Node process holding ~60 MB of small objects: "drop" releases them and answers V8's heap in use, "read"
 * answers it again. Idle in between, so only a collection someone forces frees them within the test.
 */
const CHILD = `
let garbage = [];
for (let i = 0; i < 300000; i++) garbage.push({ i, s: "x".repeat(120) + i });
process.stderr.write("service line\\n");
const lines = require("node:readline").createInterface({ input: process.stdin });
lines.on("line", (cmd) => {
  if (cmd === "drop") garbage = null;
  process.stdout.write(process.memoryUsage().heapUsed + "\\n");
});
process.stdout.write("ready\\n");
`;

function startChild(args: string[]): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn(process.execPath, [...args, "-e", CHILD], { stdio: ["pipe", "pipe", "pipe"] });
}

describe("forced GC over the inspector", () => {
  it("frees a process's garbage at once, and passes the process's own stderr lines on", async () => {
    const child = startChild([INSPECT_FLAG]);
    try {
      const forwarded: string[] = [];
      const url = await inspectorUrl(child.stderr, 30_000, (line) => forwarded.push(line));
      assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\//);
      const out = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const next = async (): Promise<string> => String((await out.next()).value);
      assert.equal(await next(), "ready");
      child.stdin.write("drop\n");
      const held = Number(await next());
      await collectGarbage(url);
      child.stdin.write("read\n");
      const after = Number(await next());
      assert.ok(held - after > 30e6, `heap in use ${held} → ${after} bytes`);
      // Two sessions (one per collectGarbage call) leave the process and its inspector usable.
      await collectGarbage(url, 1, 0);
      assert.deepEqual(forwarded, ["service line"]);
    } finally {
      child.kill();
      await once(child, "exit");
    }
  }, 60_000);

  it("rejects when nothing listens, and when the process exits without an inspector", async () => {
    const port = await freePort();
    await assert.rejects(collectGarbage(`ws://127.0.0.1:${port}/none`, 1, 0, 5000));
    const child = startChild([]);
    child.stdin.end();
    child.stdout.resume();
    await assert.rejects(
      inspectorUrl(child.stderr, 30_000, () => undefined),
      /before its inspector/,
    );
    if (child.exitCode === null) {
      child.kill();
      await once(child, "exit");
    }
  }, 60_000);
});
