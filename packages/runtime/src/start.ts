import { ConfigError } from "./errors.js";

/**
 * Runs a service's start-up; a ConfigError prints every problem and exits 2 before any socket opens,
 * any other start-up failure prints its message and exits 1.
 */
export function runMain(name: string, start: () => Promise<void>): void {
  start().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `${name}: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}

/** `--config <path>` from the command line, if given. */
export function configPathFromArgv(argv: readonly string[] = process.argv): string | undefined {
  const i = argv.indexOf("--config");
  return i >= 0 ? argv[i + 1] : undefined;
}
