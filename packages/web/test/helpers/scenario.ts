/**
 * Browser scenarios run inside a loopback-only network namespace (Chromium then sees `lo` only): the test file
 * starts a runner script there with {@link runScenario}; the runner does its work with {@link scenarioMain} and
 * prints one `RESULT {json}` line with what it observed, which the test asserts on.
 */
import { resultLine, runInLoopbackNamespace, tsxCommand } from "@switchboard/test-support";

/** Runs `script` in a fresh namespace and returns its parsed RESULT (throws with its output when there is none). */
export async function runScenario<T>(
  script: string,
  opts: { env?: Record<string, string>; killAfterMs?: number } = {},
): Promise<T> {
  const { code, output } = await runInLoopbackNamespace({
    prefix: "webmeet",
    command: tsxCommand(script),
    env: { ...process.env, ...opts.env },
    killAfterMs: opts.killAfterMs ?? 110_000,
  });
  const line = resultLine(output);
  if (!line) throw new Error(`scenario ${script} exited ${code} without a result:\n${output.slice(-6000)}`);
  return JSON.parse(line) as T;
}

/** A runner's entry point: prints `RESULT <json>` of what `main` returns, or the error and exit code 1. */
export function scenarioMain<T>(main: () => Promise<T>): void {
  main().then(
    (result) => {
      process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
