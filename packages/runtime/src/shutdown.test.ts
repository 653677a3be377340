import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";

const script = (stepMs: number): string => `
import { createLogger, installShutdown } from "@switchboard/runtime";
const logger = createLogger({ name: "t", level: "silent" });
const close = () => {
  process.stdout.write("stopping\\n");
  return new Promise((r) => setTimeout(r, ${stepMs}));
};
installShutdown({ logger, steps: [{ name: "slow", close }] });
setInterval(() => {}, 1000);
process.stdout.write("ready\\n");
`;

async function run(signals: NodeJS.Signals[], stepMs: number): Promise<number | null> {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script(stepMs)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = child.stdout.setEncoding("utf8");
  await once(lines, "data");
  const [first, ...rest] = signals;
  if (first) child.kill(first);
  if (rest.length > 0) {
    // Standard signals do not queue: send the next ones only once the first is being handled.
    for await (const chunk of lines) if (String(chunk).includes("stopping")) break;
    for (const s of rest) child.kill(s);
  }
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

describe("installShutdown", () => {
  it("runs the steps and exits 0 on SIGTERM", async () => {
    assert.equal(await run(["SIGTERM"], 50), 0);
  });
  it("keeps the graceful shutdown going when the other signal follows (Ctrl-C to the group + a supervisor)", async () => {
    assert.equal(await run(["SIGINT", "SIGTERM"], 300), 0);
  });
  it("exits at once with 1 when the same signal comes twice", async () => {
    assert.equal(await run(["SIGINT", "SIGINT"], 5_000), 1);
  });
});
